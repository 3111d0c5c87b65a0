import { z } from 'zod';
import { int } from './config-values.ts';

/** Reports and the anonymous channel (docs/intake.md). */
export interface IntakeConfig {
  /** The company's time zone: the days of deadlines and of the anonymous channel are its days. */
  readonly timeZone: string;
  readonly acknowledgeDays: number;
  readonly feedbackMonths: number;
  /** Shown at once when someone is in danger, before anything is sent. */
  readonly emergencyNumber: string;
  readonly teamPhone: string | undefined;
  /** Requests of the anonymous channel per client address per ten minutes. */
  readonly anonymousRequestsPer10Min: number;
  /** Anonymous reports per minute, from everyone together, above which each must bring a proof of work. */
  readonly floodPerMinute: number;
  /** Leading zero bits of the proof of work. */
  readonly floodDifficulty: number;
  /** Anonymous requests doing argon2id work at once; more are refused (429) rather than queued. */
  readonly anonymousWorkInFlight: number;
  /** Reports one signed-in account may send (or record) per hour. */
  readonly reportsPerAccountPerHour: number;
}

/** The variables of intake (config.ts reads them with the rest of the environment). */
export const INTAKE_VARIABLES = {
  TMA_TIME_ZONE: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Berlin')
    .default('Europe/Berlin'),
  TMA_ACKNOWLEDGE_DAYS: int(1, 7).default(7),
  TMA_FEEDBACK_MONTHS: int(1, 3).default(3),
  TMA_EMERGENCY_NUMBER: z
    .string()
    .regex(/^[0-9+ ]{2,20}$/, 'must be a phone number')
    .default('112'),
  TMA_TEAM_PHONE: z
    .string()
    .regex(/^[0-9+ ()/-]{3,30}$/, 'must be a phone number')
    .optional(),
  TMA_ANONYMOUS_REQUESTS_PER_10_MIN: int(1, 1_000_000).default(30),
  TMA_ANONYMOUS_FLOOD_PER_MIN: int(1, 1_000_000).default(60),
  TMA_ANONYMOUS_FLOOD_DIFFICULTY: int(8, 28).default(18),
  TMA_ANONYMOUS_WORK_IN_FLIGHT: int(1, 10_000).default(32),
  TMA_REPORTS_PER_ACCOUNT_PER_HOUR: int(1, 100_000).default(20),
};

const intakeSchema = z.object(INTAKE_VARIABLES);
type IntakeVariables = z.output<typeof intakeSchema>;

export function intakeConfig(v: IntakeVariables): IntakeConfig {
  return {
    timeZone: v.TMA_TIME_ZONE,
    acknowledgeDays: v.TMA_ACKNOWLEDGE_DAYS,
    feedbackMonths: v.TMA_FEEDBACK_MONTHS,
    emergencyNumber: v.TMA_EMERGENCY_NUMBER,
    teamPhone: v.TMA_TEAM_PHONE,
    anonymousRequestsPer10Min: v.TMA_ANONYMOUS_REQUESTS_PER_10_MIN,
    floodPerMinute: v.TMA_ANONYMOUS_FLOOD_PER_MIN,
    floodDifficulty: v.TMA_ANONYMOUS_FLOOD_DIFFICULTY,
    anonymousWorkInFlight: v.TMA_ANONYMOUS_WORK_IN_FLIGHT,
    reportsPerAccountPerHour: v.TMA_REPORTS_PER_ACCOUNT_PER_HOUR,
  };
}
