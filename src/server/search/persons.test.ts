import assert from 'node:assert/strict';
import { test } from 'node:test';
import { personForms } from './persons.ts';

const formOf = (kind: string, ids: Parameters<typeof personForms>[0]) =>
  personForms(ids).find((f) => f.kind === kind)?.form;

test('names meet across spelling, order, hyphens, particles and umlauts typed out', () => {
  const forms = [
    'Erika Müller-Lüdenscheidt',
    'MUELLER-LUEDENSCHEIDT, Erika',
    'Erika Müller Lüdenscheidt',
    'erika muller ludenscheidt',
  ].map((fullName) => formOf('name', { fullName }));
  assert.equal(new Set(forms).size, 1, JSON.stringify(forms));
  assert.equal(formOf('name', { fullName: 'Ludwig van Beethoven' }), formOf('name', { fullName: 'Beethoven, Ludwig' }));
  assert.equal(formOf('name', { fullName: "Seán O'Brien" }), formOf('name', { fullName: 'Sean OBrien' }));
  assert.notEqual(formOf('name', { fullName: 'Erika Müller' }), formOf('name', { fullName: 'Erika Müllers' }));
  assert.equal(formOf('name', { fullName: 'Иван Петров' }), formOf('name', { fullName: 'Петров Иван' }));
  // One word, or nothing but particles, names no one.
  assert.equal(formOf('name', { fullName: 'Müller' }), undefined);
  assert.equal(formOf('name', { fullName: 'von der' }), undefined);
});

test('the other identifiers: birth date with the name, employee number, e-mail, phone', () => {
  assert.equal(
    formOf('name_birth', { fullName: 'Erika Müller', dateOfBirth: '1980-02-29' }),
    `${formOf('name', { fullName: 'Erika Müller' })}|1980-02-29`,
  );
  assert.equal(formOf('name_birth', { fullName: 'Erika Müller', dateOfBirth: '29.02.1980' }), undefined);
  assert.equal(formOf('name_birth', { dateOfBirth: '1980-02-29' }), undefined, 'a birth date alone identifies no one');
  assert.equal(
    formOf('employee_number', { employeeNumber: 'e-0042' }),
    formOf('employee_number', { employeeNumber: 'E 0042' }),
  );
  assert.equal(formOf('email', { email: ' Erika.Mueller@Example.ORG ' }), 'erika.mueller@example.org');
  assert.equal(formOf('email', { email: 'not an address' }), undefined);
  assert.equal(formOf('phone', { phone: '0151 12345678' }), '+4915112345678');
  assert.equal(formOf('phone', { phone: '+49 (151) 1234-5678' }), '+4915112345678');
  assert.notEqual(formOf('phone', { phone: '0171 12345678' }), formOf('phone', { phone: '0151 12345678' }));
  assert.notEqual(formOf('phone', { phone: '+1 212 555 1234' }), formOf('phone', { phone: '+1 312 555 1234' }));
  assert.equal(formOf('phone', { phone: '12' }), undefined, 'not a valid number');
  assert.equal(formOf('phone', { phone: 'call me' }), undefined);
  assert.equal(formOf('employee_number', { employeeNumber: '-1' }), undefined, 'too short to mean one person');
  assert.equal(formOf('name', { fullName: 'E. Müller' }), undefined, 'an initial is no first name');
  assert.equal(
    personForms({ phone: '020 7946 0018' }, 'GB')[0]?.form,
    '+442079460018',
    'national numbers in the region given',
  );
  assert.deepEqual(personForms({ fullName: 'x'.repeat(400), email: '' }), []);
});
