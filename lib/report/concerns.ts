/**
 * The works council's concerns (C1–C10 of its opinion, plus the CNIL's requirements and platform hygiene) in
 * plain words, and how fairlisten answers each one. The concern → check matrix in the docs is generated from
 * this list and the check registry, so a check added to CHECKS appears under its concern without editing docs.
 */
import type { Concern } from './types';

export interface ConcernDescription {
  readonly id: Concern;
  /** What the council (or the CNIL) asks for, in a few words. */
  readonly asked: string;
  /** How fairlisten answers it. */
  readonly answer: string;
  /** Evidence outside the compliance report: transparency report sections, commands anyone can run. */
  readonly alsoShownBy: readonly string[];
}

export const CONCERN_DESCRIPTIONS: readonly ConcernDescription[] = [
  {
    id: 'C1',
    asked: 'proportionality: the tool seemed disproportionate to its purpose (quality, coaching)',
    answer: 'recording off by default; only lottery-drawn calls, ≤ 30 %, capped per agent',
    alsoShownBy: ['transparency §1, §8'],
  },
  {
    id: 'C2',
    asked: 'discretionary use, and no proof that calls are selected objectively',
    answer:
      'nobody picks: published lottery with committed seeds; only named roles can read audio or seeds; every access audited in hash chains exported under Object Lock',
    alsoShownBy: ['`fairlisten verify`', '`fairlisten audit verify`', 'transparency §7'],
  },
  {
    id: 'C3',
    asked: 'unlimited use of recordings despite a 90-day storage limit',
    answer:
      'one EU region; every version gone after ≤ 90 days; 5-minute playback URLs; listens only by assignment',
    alsoShownBy: [],
  },
  {
    id: 'C4',
    asked: 'a 50 % recording rate, where the industry records 20–30 %',
    answer: 'hard limit 0.30 in code; default 0.20',
    alsoShownBy: ['transparency §1'],
  },
  {
    id: 'C5',
    asked: 'a minimum of listens but no maximum',
    answer:
      'hard caps per agent (recordings, listens) and per coach; extra listens only through an approved, time-limited coaching plan',
    alsoShownBy: ['transparency §2–§3'],
  },
  {
    id: 'C6',
    asked: 'opaque "intelligent business rules" choose the recordings',
    answer:
      'the algorithm is published as a versioned file and deployed by version; the seed is committed before the month and revealed after',
    alsoShownBy: ['`fairlisten verify`', 'transparency §7'],
  },
  {
    id: 'C7',
    asked: 'targeting of individual employees',
    answer:
      'lottery + pacing spread recordings over the month; exclusions for staff representatives’ lines; no per-person selection anywhere',
    alsoShownBy: ['transparency §2'],
  },
  {
    id: 'C8',
    asked: 'coach workload: unlimited listening could overload coaches',
    answer: 'per-coach cap, max-flow assignment that never breaks it and reports any shortfall',
    alsoShownBy: ['transparency §4'],
  },
  {
    id: 'C9',
    asked: 'a means to interrupt or quickly delete a recording when personal data is spoken',
    answer:
      'suspend/resume a live recording; delete or redact (every version) within seconds, with proof; unauthorized recordings deleted on arrival',
    alsoShownBy: ['transparency §6'],
  },
  {
    id: 'C10',
    asked: 'cross-listening: a coach evaluates another team’s agents',
    answer: 'listens assigned only to coaches of other teams (cross-team by construction, property-tested)',
    alsoShownBy: ['transparency §5 (empty diagonal)'],
  },
  {
    id: 'CNIL',
    asked: 'the CNIL’s rules: inform callers and let them object, secure the data, keep it ≤ 1 year',
    answer: 'caller notice with an objection key; encryption, TLS, private buckets; everything kept ≤ 1 year',
    alsoShownBy: [],
  },
  {
    id: 'platform',
    asked: 'sound infrastructure: valid flows, reviewed cdk-nag findings',
    answer: 'flows validated at synth; every cdk-nag acknowledgement carries its reason',
    alsoShownBy: [],
  },
];
