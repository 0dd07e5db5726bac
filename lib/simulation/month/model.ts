/** The simulation writes `month.json` with the core's one builder. */
export {
  type AssignmentLine,
  buildMonthModel,
  type MonthModelInput,
  type PlanOutcome,
  type RequestOutcome,
  teamSlug,
} from '../../../lambda/core/transparency/build';
