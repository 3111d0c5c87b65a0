import type { FastifyInstance } from 'fastify';
import { CaseParams } from '../../../contract/cases.ts';
import {
  CasePerson,
  ConflictList,
  ConflictParams,
  CreatePerson,
  CreateRelation,
  DeclareConflict,
  PersonIdentity,
  PersonList,
  PersonParams,
  Relation,
  RelationParams,
  UpdateIdentity,
  UpdatePerson,
} from '../../../contract/persons.ts';
import { declareConflict, liftConflict, listConflicts } from '../../cases/conflicts.service.ts';
import type { CasesContext } from '../../cases/context.ts';
import {
  addPerson,
  addRelation,
  listPersons,
  removeRelation,
  revealIdentity,
  updateIdentity,
  updatePerson,
} from '../../cases/persons.service.ts';
import { refuseHead } from '../../platform/http/head.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import { actorOf, originOf } from '../session/request-origin.ts';

/** The persons of a case, their relations and conflicts of interest (docs/cases.md, "Persons"). */
export function personRoutes(app: FastifyInstance, ctx: CasesContext): void {
  defineRoute(app, {
    method: 'GET',
    url: '/api/cases/:id/persons',
    policy: 'cases.access',
    summary: 'The persons of a case by pseudonym, role and notes, and their relations (the persons section)',
    tags: ['persons'],
    params: CaseParams,
    responses: { 200: PersonList },
    handler: ({ params }, request) => {
      refuseHead(request);
      return listPersons(ctx, actorOf(request), params.id, originOf(request));
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/cases/:id/persons',
    policy: 'cases.access',
    summary: 'Add a person to a case; they get the next pseudonym',
    tags: ['persons'],
    params: CaseParams,
    body: CreatePerson,
    responses: { 201: CasePerson },
    handler: async ({ params, body }, request, reply) =>
      reply
        .code(201)
        .send(
          await addPerson(ctx, actorOf(request), params.id, body as Parameters<typeof addPerson>[3], originOf(request)),
        ),
  });

  defineRoute(app, {
    method: 'PUT',
    url: '/api/cases/:id/persons/:personId',
    policy: 'cases.access',
    summary: 'Change a person’s role in the case and the notes about them',
    tags: ['persons'],
    params: PersonParams,
    body: UpdatePerson,
    responses: { 200: CasePerson },
    handler: ({ params, body }, request) =>
      updatePerson(
        ctx,
        actorOf(request),
        params.id,
        params.personId,
        body as Parameters<typeof updatePerson>[4],
        originOf(request),
      ),
  });

  defineRoute(app, {
    method: 'PUT',
    url: '/api/cases/:id/persons/:personId/identity',
    policy: 'cases.access',
    summary: 'Change who a person is (the identities section)',
    tags: ['persons'],
    params: PersonParams,
    body: UpdateIdentity,
    responses: { 200: CasePerson },
    handler: ({ params, body }, request) =>
      updateIdentity(
        ctx,
        actorOf(request),
        params.id,
        params.personId,
        body as Parameters<typeof updateIdentity>[4],
        originOf(request),
      ),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/cases/:id/persons/:personId/reveal',
    policy: 'cases.access',
    summary: 'Show who a person is: a deliberate, audited act of a member whose scope holds identities',
    tags: ['persons'],
    params: PersonParams,
    responses: { 200: PersonIdentity },
    handler: ({ params }, request) =>
      revealIdentity(ctx, actorOf(request), params.id, params.personId, originOf(request)),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/cases/:id/relations',
    policy: 'cases.access',
    summary: 'Relate two persons of a case (partner, manager, colleague, …)',
    tags: ['persons'],
    params: CaseParams,
    body: CreateRelation,
    responses: { 201: Relation },
    handler: async ({ params, body }, request, reply) =>
      reply.code(201).send(await addRelation(ctx, actorOf(request), params.id, body, originOf(request))),
  });

  defineRoute(app, {
    method: 'DELETE',
    url: '/api/cases/:id/relations/:relationId',
    policy: 'cases.access',
    summary: 'Remove a relation between two persons',
    tags: ['persons'],
    params: RelationParams,
    responses: { 204: { description: 'removed' } },
    handler: async ({ params }, request, reply) => {
      await removeRelation(ctx, actorOf(request), params.id, params.relationId, originOf(request));
      return reply.code(204).send();
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/cases/:id/persons/:personId/conflicts',
    policy: 'cases.access',
    stepUp: true,
    summary: 'Record that an account is related to this person: it is recused from the case',
    tags: ['persons'],
    params: PersonParams,
    body: DeclareConflict,
    responses: { 204: { description: 'recorded' } },
    handler: async ({ params, body }, request, reply) => {
      await declareConflict(ctx, actorOf(request), params.id, params.personId, body.userId, originOf(request));
      return reply.code(204).send();
    },
  });

  defineRoute(app, {
    method: 'DELETE',
    url: '/api/cases/:id/persons/:personId/conflicts/:userId',
    policy: 'cases.access',
    stepUp: true,
    summary: 'Lift a conflict that was wrong, or dismiss a suspected one (the lead and team leads)',
    tags: ['persons'],
    params: ConflictParams,
    responses: { 204: { description: 'lifted' } },
    handler: async ({ params }, request, reply) => {
      await liftConflict(ctx, actorOf(request), params.id, params.personId, params.userId, originOf(request));
      return reply.code(204).send();
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/cases/:id/conflicts',
    policy: 'cases.access',
    summary: 'Who is recused from the case and why (the lead and team leads)',
    tags: ['persons'],
    params: CaseParams,
    responses: { 200: ConflictList },
    handler: ({ params }, request) => {
      refuseHead(request);
      return listConflicts(ctx, actorOf(request), params.id, originOf(request));
    },
  });
}
