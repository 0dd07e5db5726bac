/**
 * Words and number formats of the transparency report, in French (default: the works council's
 * language) and English. French typography: a no-break space before « : », a narrow no-break space
 * before « ; ! ? % » and inside guillemets, decimal comma, digit groups with narrow no-break spaces
 * (Intl fr-FR), dates in the policy time zone.
 */

export const LANGS = ['fr', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export const NBSP = '\u00a0';
export const NNBSP = '\u202f';

/** French spacing: `a : b` → `a\u00a0: b`, `« a »` → `«\u202fa\u202f»`, ` ;`/` ?`/` !`/` %` → narrow. */
export function frenchSpacing(s: string): string {
  return s
    .replace(/ :(?=\s|$)/g, `${NBSP}:`)
    .replace(/ ([;!?%])/g, `${NNBSP}$1`)
    .replace(/« /g, `«${NNBSP}`)
    .replace(/ »/g, `${NNBSP}»`);
}

export interface Formatters {
  lang: Lang;
  int(n: number): string;
  num(n: number, digits?: number): string;
  pct(x: number, digits?: number): string;
  seconds(s: number): string;
  dateTime(iso: string): string;
  date(iso: string): string;
  month(period: string): string;
}

export function formatters(lang: Lang, timeZone: string): Formatters {
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const intF = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const num = (n: number, digits = 1) =>
    new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(n);
  // fr: a narrow no-break space before % whatever the ICU version puts there.
  const pct = (x: number, digits = 1) =>
    new Intl.NumberFormat(locale, {
      style: 'percent',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    })
      .format(x)
      .replace(/[\s\u00a0\u202f]%/, `${NNBSP}%`);
  const dt = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'long', timeStyle: 'short' });
  const d = new Intl.DateTimeFormat(locale, { timeZone, day: 'numeric', month: 'short' });
  // French writes the first day of a month as an ordinal: « 1er avril ».
  const premier = (s: string) => (lang === 'fr' ? s.replace(/^1(?=[\s\u00a0\u202f])/, '1er') : s);
  const monthF = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'long', year: 'numeric' });
  return {
    lang,
    int: (n) => intF.format(n),
    num,
    pct,
    seconds: (s) => {
      // Rounded first: 59.6 s is « 1 min », 119.6 s « 2 min », never « 1 min 60 s ».
      const whole = Math.round(s);
      if (whole < 60) return `${num(s, s < 10 ? 1 : 0)}${NBSP}s`;
      if (whole >= 3600) {
        // Hours as the log scale's key writes them (« 1 h »), to the minute: « 1 h 5 min ».
        const minutes = Math.round(whole / 60);
        const h = Math.floor(minutes / 60);
        const rest = minutes - h * 60;
        return rest === 0 ? `${h}${NBSP}h` : `${h}${NBSP}h${NBSP}${rest}${NBSP}min`;
      }
      const m = Math.floor(whole / 60);
      const rest = whole - m * 60;
      return rest === 0 ? `${m}${NBSP}min` : `${m}${NBSP}min${NBSP}${rest}${NBSP}s`;
    },
    dateTime: (iso) => premier(dt.format(new Date(iso))),
    date: (iso) => premier(d.format(new Date(iso))),
    month: (period) => monthF.format(new Date(`${period}-15T00:00:00Z`)),
  };
}

type Fn1 = (a: string) => string;
type Fn2 = (a: string, b: string) => string;
type Fn3 = (a: string, b: string, c: string) => string;

export interface Strings {
  title: string;
  subtitle: string;
  period: string;
  generated: string;
  policyVersion: string;
  privacyNote: string;
  timezoneNote: Fn1;
  allTeams: string;
  team: string;
  agents: string;
  coaches: string;
  coach: string;
  agent: string;
  verdictOk: string;
  verdictKo: string;
  concerns: string;
  concernLegend: { h: string; intro: string; items: string[] };
  ok: string;
  ko: string;
  warn: string;
  kpi: {
    share: string;
    shareSub: Fn1;
    recordings: string;
    recordingsSub: Fn1;
    listens: string;
    listensSub: Fn2;
    coach: string;
    coachSub: Fn1;
    ownTeam: string;
    ownTeamSub: string;
    breaches: string;
    breachesSub: string;
    verified: string;
    verifiedSub: string;
  };
  s1: {
    h: string;
    lead: Fn2;
    leadKo: string;
    chartTitle: string;
    chartDesc: Fn2;
    ceiling: Fn1;
    rate: Fn1;
    calls: string;
    transferred: string;
    transferNote: string;
    recorded: string;
    share: string;
  };
  s2: {
    h: string;
    lead: Fn1;
    unitTitle: string;
    unitDesc: Fn1;
    cap: Fn1;
    axis: string;
    pacingH: string;
    pacingLead: string;
    pacingTitle: Fn1;
    pacingDesc: Fn2;
    legendLimit: string;
    legendMax: string;
    legendMedian: string;
    legendAgent: string;
    day: Fn1;
    min: string;
    median: string;
    max: string;
    atCap: string;
    checkpoint: Fn1;
    endOfMonth: string;
    pacingCaption: string;
    withinPace: string;
    abovePace: string;
  };
  s3: {
    h: string;
    lead: Fn3;
    chartTitle: string;
    chartDesc: Fn2;
    band: Fn2;
    plan: string;
    listens: string;
    plansH: string;
    plansApproved: string;
    extraListens: string;
  };
  s4: {
    h: string;
    lead: Fn2;
    chartTitle: string;
    chartDesc: Fn1;
    cap: Fn1;
    listens: string;
    loadMax: string;
    byTeamCaption: string;
    byCoachCaption: string;
  };
  s5: {
    h: string;
    lead: Fn1;
    leadKo: Fn1;
    chartTitle: string;
    chartDesc: string;
    rows: string;
    cols: string;
    diagonal: string;
    corner: string;
  };
  s6: {
    h: string;
    lead: Fn2;
    chartTitle: string;
    chartDesc: string;
    deletion: string;
    redaction: string;
    requestFirst: string;
    fileFirst: string;
    kind: string;
    arrival: string;
    requests: string;
    done: string;
    openFailed: string;
    medianTime: string;
    maxTime: string;
    none: string;
    med: string;
    arrivalNote: string;
  };
  s7: {
    h: string;
    lead: string;
    chartTitle: string;
    chartDesc: string;
    commitment: string;
    committedOn: Fn1;
    revealedOn: Fn1;
    notRevealed: string;
    periodLabel: string;
    seedMatches: string;
    seedMismatch: string;
    committedBefore: string;
    committedLate: string;
    decisionsOk: Fn2;
    decisionsKo: Fn1;
    auditOk: Fn2;
    auditKo: string;
    notVerified: string;
    check: string;
    result: string;
  };
  s8: {
    h: string;
    lead: Fn2;
    chartTitle: string;
    chartDesc: string;
    reason: string;
    count: string;
    share: string;
    reasons: Record<string, string>;
  };
  s9: {
    h: string;
    lead: Fn2;
    byWeek: string;
    byHour: string;
    chartDesc: string;
    bin: string;
    week: (n: number) => string;
    rest: string;
    hour: (h: number) => string;
    calls: string;
    callShare: string;
    recorded: string;
    recordingShare: string;
    rate: string;
  };
  /** The key under each chart: what each mark, line and colour means. */
  legend: {
    teamBar: string;
    ceiling: string;
    drawRate: string;
    agentDot: string;
    minMax: string;
    median: string;
    band: string;
    plan: string;
    coachBar: string;
    shade: string;
    diagonal: string;
    medianTime: string;
    maxTime: string;
    logNote: string;
    seedNote: string;
    reasonBar: string;
    reasonsNote: string;
    callShare: string;
    recordingShare: string;
  };
  footer: {
    definitions: string;
    defs: string[];
    breachesProducer: Fn2;
  };
}

const en: Strings = {
  title: 'Call recording transparency report',
  subtitle:
    'For the works council: every commitment of the recording policy, checked against the month’s data',
  period: 'Period',
  generated: 'Generated',
  policyVersion: 'Policy version',
  privacyNote:
    'Aggregated or pseudonymous data only: teams are named, agents (A…) and coaches (K…) appear under opaque pseudonyms; no name, phone number or recording.',
  timezoneNote: (tz) => `Times in ${tz}.`,
  allTeams: 'All teams',
  team: 'Team',
  agents: 'Agents',
  coaches: 'Coaches',
  coach: 'Coach',
  agent: 'Agent',
  verdictOk: 'Every commitment was kept this month',
  verdictKo: 'At least one commitment was not kept this month: see the sections marked ✗',
  concerns: 'Concerns',
  concernLegend: {
    h: 'What the badges C1 to C10 mean',
    intro:
      'Each badge names a concern of the works council’s opinion on the call recording tool; the sections marked with it answer that concern.',
    items: [
      'C1 — Proportionality: record only what call quality and coaching need.',
      'C2 — Discretionary use: recordings are chosen by a published lottery, not by a person.',
      'C3 — Unlimited use: recordings kept at most 90 days, listens counted and capped.',
      'C4 — Recording rate: at most 30 % of calls recorded.',
      'C5 — No maximum: a maximum of listens per agent, extra listens only under an approved coaching plan.',
      'C6 — Opaque selection: the selection rule and its seed are published, anyone can recompute it.',
      'C7 — Targeting: no one is picked out; coaching plans are approved by the data-protection officer.',
      'C8 — Coach workload: a maximum of listens per coach.',
      'C9 — Interrupt or delete quickly: the agent can suspend, delete or redact, and the delay is shown.',
      'C10 — Cross-listening: a coach only listens to agents of another team.',
    ],
  },
  ok: 'kept',
  ko: 'not kept',
  warn: 'to watch',
  kpi: {
    share: 'Calls recorded',
    shareSub: (c) => `ceiling ${c}`,
    recordings: 'Recordings per agent, max',
    recordingsSub: (c) => `cap ${c} per month`,
    listens: 'Listens per agent',
    listensSub: (min, max) => `policy ${min}–${max} (+ approved plan)`,
    coach: 'Busiest coach',
    coachSub: (c) => `cap ${c} listens`,
    ownTeam: 'Listens within own team',
    ownTeamSub: 'must be 0 (cross-listening)',
    breaches: 'Cap breaches',
    breachesSub: 'recordings, listens, coaches',
    verified: 'Independent checks',
    verifiedSub: 'lottery, audit log, seed',
  },
  s1: {
    h: 'Share of calls recorded',
    lead: (max, ceiling) => `The highest team share is ${max}, below the ${ceiling} ceiling.`,
    leadKo: 'At least one team is above the ceiling.',
    chartTitle: 'Share of calls recorded, per team',
    chartDesc: (ceiling, rate) =>
      `Horizontal bars: recorded calls divided by calls answered, per team and for all teams. Vertical lines: the hard ceiling of ${ceiling} and the lottery rate of ${rate}.`,
    ceiling: (c) => `ceiling ${c}`,
    rate: (r) => `lottery rate ${r}`,
    calls: 'Calls answered',
    transferred: 'of which transferred',
    transferNote:
      'A call counts once even when it was transferred (one contact leg per agent, grouped by the initial contact); a call transferred between two teams counts in both, once in all teams.',
    recorded: 'Calls recorded',
    share: 'Share recorded',
  },
  s2: {
    h: 'Recordings per agent and pacing',
    lead: (cap) =>
      `No agent can be recorded more than ${cap} times a month, and the cap is spread over the month: nobody can be targeted in one day.`,
    unitTitle: 'Recordings per agent, against the monthly cap',
    unitDesc: (cap) =>
      `One dot per agent who may be recorded, placed on the number of their recordings this month, one row per team. The red line is the cap of ${cap}.`,
    cap: (c) => `cap ${c}`,
    axis: 'recordings in the month',
    pacingH: 'Pacing across the month',
    pacingLead:
      'Cumulative recordings of each agent, day by day, under the pacing staircase ceil(cap × elapsed share of the month).',
    pacingTitle: (team) => `Pacing: ${team}`,
    pacingDesc: (team, cap) =>
      `${team}: cumulative recordings per agent (thin lines), the highest and the median agent, against the pacing staircase rising to ${cap}.`,
    legendLimit: 'pacing limit',
    legendMax: 'highest agent',
    legendMedian: 'median agent',
    legendAgent: 'each agent',
    day: (d) => `day ${d}`,
    min: 'Min',
    median: 'Median',
    max: 'Max',
    atCap: 'Agents at the cap',
    checkpoint: (d) => `Day ${d}`,
    endOfMonth: 'End',
    pacingCaption: 'Highest cumulative recordings of an agent / pacing limit, at the end of the day',
    withinPace: 'Every agent stayed under the pacing limit every day.',
    abovePace: 'An agent went above the pacing limit.',
  },
  s3: {
    h: 'Listens per agent',
    lead: (min, max, extra) =>
      `Every recorded agent gets between ${min} and ${max} listens; more only with an approved coaching plan (${extra} extra listens this month).`,
    chartTitle: 'Listens per agent: minimum, median and maximum per team',
    chartDesc: (min, max) =>
      `For each team, a line from the fewest to the most listens an agent got, with a mark at the median. The green band is the policy range ${min} to ${max}.`,
    band: (min, max) => `policy ${min}–${max}`,
    plan: '+ plan',
    listens: 'Listens',
    plansH: 'Coaching plans',
    plansApproved: 'Approved plans',
    extraListens: 'Extra listens',
  },
  s4: {
    h: 'Coach workload',
    lead: (max, cap) => `The busiest coach had ${max} listens, against a cap of ${cap}.`,
    chartTitle: 'Listens per coach, against the coach cap',
    chartDesc: (cap) =>
      `One bar per coach (pseudonymous), coloured by the coach’s team. The red line is the cap of ${cap}.`,
    cap: (c) => `cap ${c}`,
    listens: 'Listens',
    loadMax: 'Busiest coach',
    byTeamCaption: 'Coaches and the busiest coach, per team',
    byCoachCaption: 'Listens per coach',
  },
  s5: {
    h: 'Who listened to whom',
    lead: (n) => `${n} listens, all by a coach of another team: the diagonal is empty.`,
    leadKo: (n) =>
      n === '1'
        ? '1 listen was by a coach of the agent’s own team.'
        : `${n} listens were by a coach of the agent’s own team.`,
    chartTitle: 'Cross-team listening matrix',
    chartDesc:
      'Rows: the coach’s team. Columns: the agent’s team. Each cell gives the number of listens. The diagonal (same team) must be empty.',
    rows: 'Coach’s team',
    cols: 'Agent’s team',
    diagonal: 'same team',
    corner: 'Coach ↓ / agent →',
  },
  s6: {
    h: 'Deletions and redactions',
    lead: (n, median) => `${n} requests; done in ${median} (median) when the recording already existed.`,
    chartTitle: 'Time to complete deletions and redactions',
    chartDesc:
      'For each kind of request and arrival order, a light bar to the slowest and a dark bar to the median time from request to completion (logarithmic scale).',
    deletion: 'Deletion',
    redaction: 'Redaction',
    requestFirst: 'asked during the call',
    fileFirst: 'asked after the call',
    kind: 'Request',
    arrival: 'Arrival',
    requests: 'Requests',
    done: 'Done',
    openFailed: 'Pending / failed',
    medianTime: 'Median time',
    maxTime: 'Slowest',
    none: 'none done',
    med: 'median',
    arrivalNote:
      'Asked during the call: the recording is applied as soon as its file arrives, after the call ends; the time includes the rest of the call.',
  },
  s7: {
    h: 'Lottery seed and verification',
    lead: 'The lottery seed is committed before the month and revealed after it: anyone can recompute every decision.',
    chartTitle: 'Seed commitment and reveal, around the month',
    chartDesc:
      'A time line: the commitment is published before the month starts, the seed is revealed after it ends.',
    commitment: 'Commitment (SHA-256)',
    committedOn: (d) => `committed ${d}`,
    revealedOn: (d) => `revealed ${d}`,
    notRevealed: 'not revealed yet',
    periodLabel: 'the month',
    seedMatches: 'The revealed seed matches the commitment',
    seedMismatch: 'The revealed seed does NOT match the commitment',
    committedBefore: 'Committed before the month started',
    committedLate: 'Committed AFTER the month started',
    decisionsOk: (n, v) => `${n} decisions recomputed from the seed, ${v} difference`,
    decisionsKo: (v) => `${v} decisions differ from the recomputation`,
    auditOk: (c, r) => `Audit log intact: ${c} hash chains, ${r} records`,
    auditKo: 'Audit log chain BROKEN',
    notVerified:
      'Not verified by the producer of this report: run fairlisten verify and fairlisten audit verify',
    check: 'Check',
    result: 'Result',
  },
  s8: {
    h: 'Why calls were or were not recorded',
    lead: (drawn, notDrawn) => `${drawn} of calls were recorded; ${notDrawn} were not drawn by the lottery.`,
    chartTitle: 'Decisions by reason',
    chartDesc: 'One bar per reason, with the number of calls and its share of all calls answered.',
    reason: 'Reason',
    count: 'Calls',
    share: 'Share',
    reasons: {
      drawn: 'Drawn and recorded',
      'not-drawn': 'Not drawn',
      'agent-cap-reached': 'Drawn, agent at the paced cap',
      'excluded-line': 'Excluded line or agent',
      'caller-objected': 'Caller objected',
      'record-failed': 'Drawn, recording failed',
      error: 'Error (not recorded)',
    },
  },
  s9: {
    h: 'When calls are recorded',
    lead: (lo, hi) =>
      `Every call should have the same chance of being recorded whatever the week or the hour: the recorded share ranges from ${lo} to ${hi} across the hours with at least 100 calls.`,
    byWeek: 'Share of calls recorded, by week of the month',
    byHour: 'Share of calls recorded, by hour of the day',
    chartDesc:
      'For each hour of the day: the share of the month’s calls made in that hour (grey) and the share of the recordings (blue). With a fair sample, the two bars are about as high.',
    bin: 'When',
    week: (n) => `Week ${n} (days ${7 * n - 6}–${7 * n})`,
    rest: 'Days 29 to the end',
    hour: (h) => `${String(h).padStart(2, '0')}:00–${String(h + 1).padStart(2, '0')}:00`,
    calls: 'Calls',
    callShare: 'Share of calls',
    recorded: 'Recorded',
    recordingShare: 'Share of recordings',
    rate: 'Recorded share',
  },
  legend: {
    teamBar: 'one bar per team, in the team’s colour; dark grey: all teams',
    ceiling: 'the binding ceiling',
    drawRate: 'the lottery rate',
    agentDot: 'one agent',
    minMax: 'fewest and most listens of an agent',
    median: 'median',
    band: 'policy range',
    plan: 'extra listens of an approved plan',
    coachBar: 'one bar per coach, in the colour of the coach’s team',
    shade: 'darker: more listens',
    diagonal: 'same team: must stay empty',
    medianTime: 'dark bar: median time (blue: deletions, pink: redactions)',
    maxTime: 'light bar: longest time',
    logNote:
      'Logarithmic scale: each gridline is several times the previous one (1 s, 10 s, 1 min, 10 min, 1 h), so a bar twice as long is far more than twice as slow.',
    seedNote:
      'Timeline: the fingerprint is published before the month (left), the seed revealed after it (right).',
    reasonBar: 'calls with this reason · share of all calls',
    reasonsNote:
      'A transferred call counts once: as recorded if one of its legs was, otherwise under the first of: recording failed, error, caller objected, agent at the pacing limit, excluded line, not drawn.',
    callShare: 'share of the month’s calls',
    recordingShare: 'share of the month’s recordings',
  },
  footer: {
    definitions: 'Definitions',
    defs: [
      'Share recorded = calls recorded ÷ calls answered (excluded lines included).',
      'Recordings per agent: agents who may be recorded. Listens per agent: agents with at least one recording.',
      'Median: the middle value (the mean of the two middle values for an even count).',
      'Cap breach: an agent recorded above the cap, an agent listened to above the maximum plus an approved plan, a coach above the coach cap.',
    ],
    breachesProducer: (recount, producer) =>
      `Cap breaches recounted here: ${recount}; reported by the checks: ${producer}.`,
  },
};

const frRaw: Strings = {
  title: 'Rapport de transparence de l’enregistrement des appels',
  subtitle:
    'Pour le CSE : chaque engagement de la politique d’enregistrement, vérifié sur les données du mois',
  period: 'Période',
  generated: 'Généré le',
  policyVersion: 'Version de la politique',
  privacyNote:
    'Données agrégées ou pseudonymisées uniquement : les équipes sont nommées, les agents (A…) et les coachs (K…) apparaissent sous des pseudonymes opaques ; aucun nom, numéro de téléphone ni enregistrement.',
  timezoneNote: (tz) => (tz === 'Europe/Paris' ? 'Heures : heure de Paris.' : `Heures : fuseau ${tz}.`),
  allTeams: 'Toutes équipes',
  team: 'Équipe',
  agents: 'Agents',
  coaches: 'Coachs',
  coach: 'Coach',
  agent: 'Agent',
  verdictOk: 'Tous les engagements ont été tenus ce mois-ci',
  verdictKo: 'Au moins un engagement n’a pas été tenu ce mois-ci : voir les sections marquées ✗',
  concerns: 'Préoccupations',
  concernLegend: {
    h: 'Ce que signifient les repères C1 à C10',
    intro:
      'Chaque repère renvoie à une préoccupation de l’avis du CSE sur l’outil d’enregistrement des appels ; les sections qui le portent y répondent.',
    items: [
      'C1 — Proportionnalité : n’enregistrer que ce dont la qualité et l’accompagnement ont besoin.',
      'C2 — Usage discrétionnaire : les appels enregistrés sont tirés au sort selon une règle publiée, pas choisis par une personne.',
      'C3 — Usage illimité : enregistrements gardés 90 jours au plus, écoutes comptées et plafonnées.',
      'C4 — Taux d’enregistrement : 30 % des appels au plus.',
      'C5 — Absence de maximum : un maximum d’écoutes par agent ; des écoutes en plus seulement avec un plan d’accompagnement approuvé.',
      'C6 — Sélection opaque : la règle du tirage et sa graine sont publiées, chacun peut la recalculer.',
      'C7 — Ciblage : personne n’est désigné ; les plans d’accompagnement sont approuvés par le délégué à la protection des données.',
      'C8 — Charge des coachs : un maximum d’écoutes par coach.',
      'C9 — Interrompre ou supprimer vite : l’agent peut suspendre, supprimer ou caviarder, et le délai est montré.',
      'C10 — Écoutes croisées : un coach n’écoute que des agents d’une autre équipe.',
    ],
  },
  ok: 'conforme',
  ko: 'non conforme',
  warn: 'à surveiller',
  kpi: {
    share: 'Appels enregistrés',
    shareSub: (c) => `plafond ${c}`,
    recordings: 'Enregistrements par agent, max',
    recordingsSub: (c) => `plafond ${c} par mois`,
    listens: 'Écoutes par agent',
    listensSub: (min, max) => `politique ${min}–${max} (+ plan approuvé)`,
    coach: 'Coach le plus chargé',
    coachSub: (c) => `plafond ${c} écoutes`,
    ownTeam: 'Écoutes dans sa propre équipe',
    ownTeamSub: 'doit valoir 0 (écoutes croisées)',
    breaches: 'Dépassements de plafond',
    breachesSub: 'enregistrements, écoutes, coachs',
    verified: 'Vérifications indépendantes',
    verifiedSub: 'tirage, journal d’audit, graine',
  },
  s1: {
    h: 'Part des appels enregistrés',
    lead: (max, ceiling) =>
      `La part la plus élevée d’une équipe est de ${max}, sous le plafond de ${ceiling}.`,
    leadKo: 'Au moins une équipe dépasse le plafond.',
    chartTitle: 'Part des appels enregistrés, par équipe',
    chartDesc: (ceiling, rate) =>
      `Barres horizontales : appels enregistrés divisés par appels traités, par équipe et pour toutes les équipes. Lignes verticales : le plafond impératif de ${ceiling} et le taux du tirage de ${rate}.`,
    ceiling: (c) => `plafond ${c}`,
    rate: (r) => `taux du tirage ${r}`,
    calls: 'Appels traités',
    transferred: 'dont transférés',
    transferNote:
      'Un appel compte une fois même s’il a été transféré (un segment par agent, regroupés par contact initial) ; un appel transféré entre deux équipes compte dans chacune, une fois pour toutes les équipes.',
    recorded: 'Appels enregistrés',
    share: 'Part enregistrée',
  },
  s2: {
    h: 'Enregistrements par agent et rythme',
    lead: (cap) =>
      `Aucun agent ne peut être enregistré plus de ${cap} fois par mois, et ce plafond est réparti sur le mois : personne ne peut être ciblé en une journée.`,
    unitTitle: 'Enregistrements par agent, face au plafond mensuel',
    unitDesc: (cap) =>
      `Un point par agent pouvant être enregistré, placé sur son nombre d’enregistrements du mois, une ligne par équipe. La ligne rouge est le plafond de ${cap}.`,
    cap: (c) => `plafond ${c}`,
    axis: 'enregistrements dans le mois',
    pacingH: 'Rythme au fil du mois',
    pacingLead:
      'Enregistrements cumulés de chaque agent, jour après jour, sous l’escalier de rythme : arrondi supérieur de (plafond × part écoulée du mois).',
    pacingTitle: (team) => `Rythme : ${team}`,
    pacingDesc: (team, cap) =>
      `${team} : enregistrements cumulés par agent (traits fins), l’agent le plus enregistré et l’agent médian, face à l’escalier de rythme qui monte jusqu’à ${cap}.`,
    legendLimit: 'limite de rythme',
    legendMax: 'agent le plus enregistré',
    legendMedian: 'agent médian',
    legendAgent: 'chaque agent',
    day: (d) => `jour ${d}`,
    min: 'Min',
    median: 'Médiane',
    max: 'Max',
    atCap: 'Agents au plafond',
    checkpoint: (d) => `Jour ${d}`,
    endOfMonth: 'Fin',
    pacingCaption: 'Cumul le plus élevé d’un agent / limite de rythme, en fin de journée',
    withinPace: 'Chaque agent est resté sous la limite de rythme chaque jour.',
    abovePace: 'Un agent a dépassé la limite de rythme.',
  },
  s3: {
    h: 'Écoutes par agent',
    lead: (min, max, extra) =>
      `Chaque agent enregistré reçoit entre ${min} et ${max} écoutes ; davantage seulement avec un plan d’accompagnement approuvé (${extra} écoutes supplémentaires ce mois-ci).`,
    chartTitle: 'Écoutes par agent : minimum, médiane et maximum par équipe',
    chartDesc: (min, max) =>
      `Pour chaque équipe, un trait du plus petit au plus grand nombre d’écoutes reçues par un agent, avec une marque à la médiane. La bande verte est la fourchette de la politique, de ${min} à ${max}.`,
    band: (min, max) => `politique ${min}–${max}`,
    plan: '+ plan',
    listens: 'Écoutes',
    plansH: 'Plans d’accompagnement',
    plansApproved: 'Plans approuvés',
    extraListens: 'Écoutes supplémentaires',
  },
  s4: {
    h: 'Charge des coachs',
    lead: (max, cap) => `Le coach le plus chargé a eu ${max} écoutes, pour un plafond de ${cap}.`,
    chartTitle: 'Écoutes par coach, face au plafond des coachs',
    chartDesc: (cap) =>
      `Une barre par coach (pseudonyme), colorée selon l’équipe du coach. La ligne rouge est le plafond de ${cap}.`,
    cap: (c) => `plafond ${c}`,
    listens: 'Écoutes',
    loadMax: 'Coach le plus chargé',
    byTeamCaption: 'Coachs et coach le plus chargé, par équipe',
    byCoachCaption: 'Écoutes par coach',
  },
  s5: {
    h: 'Qui a écouté qui',
    lead: (n) => `${n} écoutes, toutes par un coach d’une autre équipe : la diagonale est vide.`,
    leadKo: (n) =>
      n === '1'
        ? '1 écoute a été faite par un coach de l’équipe de l’agent.'
        : `${n} écoutes ont été faites par un coach de l’équipe de l’agent.`,
    chartTitle: 'Matrice des écoutes croisées entre équipes',
    chartDesc:
      'Lignes : l’équipe du coach. Colonnes : l’équipe de l’agent. Chaque case donne le nombre d’écoutes. La diagonale (même équipe) doit être vide.',
    rows: 'Équipe du coach',
    cols: 'Équipe de l’agent',
    diagonal: 'même équipe',
    corner: 'Coach ↓ / agent →',
  },
  s6: {
    h: 'Suppressions et caviardages',
    lead: (n, median) =>
      `${n} demandes ; traitées en ${median} (médiane) quand l’enregistrement existait déjà.`,
    chartTitle: 'Délai de traitement des suppressions et caviardages',
    chartDesc:
      'Pour chaque type de demande et ordre d’arrivée, une barre claire jusqu’au délai le plus long et une barre foncée jusqu’au délai médian entre la demande et son exécution (échelle logarithmique).',
    deletion: 'Suppression',
    redaction: 'Caviardage',
    requestFirst: 'demandée pendant l’appel',
    fileFirst: 'demandée après l’appel',
    kind: 'Demande',
    arrival: 'Arrivée',
    requests: 'Demandes',
    done: 'Traitées',
    openFailed: 'En attente / échec',
    medianTime: 'Délai médian',
    maxTime: 'Délai max',
    none: 'aucune traitée',
    med: 'médiane',
    arrivalNote:
      'Demandée pendant l’appel : la demande est exécutée dès que le fichier arrive, après la fin de l’appel ; le délai inclut la suite de l’appel.',
  },
  s7: {
    h: 'Graine du tirage et vérifications',
    lead: 'L’empreinte de la graine du tirage est publiée avant le mois et la graine révélée après : chacun peut recalculer toutes les décisions.',
    chartTitle: 'Publication de l’empreinte et révélation de la graine, autour du mois',
    chartDesc:
      'Une frise : l’empreinte est publiée avant le début du mois, la graine est révélée après sa fin.',
    commitment: 'Empreinte publiée avant le mois (SHA-256)',
    committedOn: (d) => `empreinte publiée le ${d}`,
    revealedOn: (d) => `révélée le ${d}`,
    notRevealed: 'pas encore révélée',
    periodLabel: 'le mois',
    seedMatches: 'La graine révélée correspond à l’empreinte publiée',
    seedMismatch: 'La graine révélée NE correspond PAS à l’empreinte publiée',
    committedBefore: 'Empreinte publiée avant le début du mois',
    committedLate: 'Empreinte publiée APRÈS le début du mois',
    decisionsOk: (n, v) => `${n} décisions recalculées à partir de la graine, ${v} écart`,
    decisionsKo: (v) => `${v} décisions diffèrent du recalcul`,
    auditOk: (c, r) => `Journal d’audit intact : ${c} chaînes de hachage, ${r} entrées`,
    auditKo: 'Chaîne du journal d’audit ROMPUE',
    notVerified:
      'Non vérifié par le producteur de ce rapport : lancer fairlisten verify et fairlisten audit verify',
    check: 'Vérification',
    result: 'Résultat',
  },
  s8: {
    h: 'Pourquoi un appel a été enregistré ou non',
    lead: (drawn, notDrawn) =>
      `${drawn} des appels ont été enregistrés ; ${notDrawn} n’ont pas été tirés au sort.`,
    chartTitle: 'Décisions par motif',
    chartDesc: 'Une barre par motif, avec le nombre d’appels et sa part de tous les appels traités.',
    reason: 'Motif',
    count: 'Appels',
    share: 'Part',
    reasons: {
      drawn: 'Tiré et enregistré',
      'not-drawn': 'Non tiré',
      'agent-cap-reached': 'Tiré, agent au plafond de rythme',
      'excluded-line': 'Ligne ou agent exclu',
      'caller-objected': 'Opposition de l’appelant',
      'record-failed': 'Tiré, échec de l’enregistrement',
      error: 'Erreur (non enregistré)',
    },
  },
  s9: {
    h: 'Quand les appels sont enregistrés',
    lead: (lo, hi) =>
      `Chaque appel doit avoir la même chance d’être enregistré, quelle que soit la semaine ou l’heure : la part enregistrée va de ${lo} à ${hi} selon l’heure (heures d’au moins 100 appels).`,
    byWeek: 'Part des appels enregistrés, par semaine du mois',
    byHour: 'Part des appels enregistrés, par heure de la journée',
    chartDesc:
      'Pour chaque heure de la journée : la part des appels du mois passés à cette heure (gris) et la part des enregistrements (bleu). Avec un échantillon équitable, les deux barres sont à peu près de même hauteur.',
    bin: 'Quand',
    week: (n) => `Semaine ${n} (jours ${7 * n - 6} à ${7 * n})`,
    rest: 'Du 29 à la fin du mois',
    hour: (h) => `${String(h).padStart(2, '0')} h – ${String(h + 1).padStart(2, '0')} h`,
    calls: 'Appels',
    callShare: 'Part des appels',
    recorded: 'Enregistrés',
    recordingShare: 'Part des enregistrements',
    rate: 'Part enregistrée',
  },
  legend: {
    teamBar: 'une barre par équipe, à sa couleur ; gris foncé : toutes équipes',
    ceiling: 'le plafond impératif',
    drawRate: 'le taux du tirage',
    agentDot: 'un agent',
    minMax: 'le moins et le plus d’écoutes d’un agent',
    median: 'médiane',
    band: 'fourchette de la politique',
    plan: 'écoutes en plus d’un plan approuvé',
    coachBar: 'une barre par coach, à la couleur de son équipe',
    shade: 'plus foncé : plus d’écoutes',
    diagonal: 'même équipe : doit rester vide',
    medianTime: 'barre foncée : délai médian (bleu : suppressions, rose : caviardages)',
    maxTime: 'barre claire : délai le plus long',
    logNote:
      'Échelle logarithmique : chaque graduation vaut plusieurs fois la précédente (1 s, 10 s, 1 min, 10 min, 1 h) ; une barre deux fois plus longue correspond à un délai bien plus de deux fois plus long.',
    seedNote: 'Frise : l’empreinte est publiée avant le mois (à gauche), la graine révélée après (à droite).',
    reasonBar: 'appels ayant ce motif · part de tous les appels',
    reasonsNote:
      'Un appel transféré compte une fois : « enregistré » si l’un de ses segments l’a été, sinon sous le premier de ces motifs qu’a l’un de ses segments : échec de l’enregistrement, erreur, opposition de l’appelant, agent au plafond de rythme, ligne ou agent exclu, non tiré.',
    callShare: 'part des appels du mois',
    recordingShare: 'part des enregistrements du mois',
  },
  footer: {
    definitions: 'Définitions',
    defs: [
      'Part enregistrée = appels enregistrés ÷ appels traités (lignes exclues comprises).',
      'Enregistrements par agent : agents pouvant être enregistrés. Écoutes par agent : agents ayant au moins un enregistrement.',
      'Médiane : la valeur du milieu (la moyenne des deux valeurs du milieu pour un nombre pair).',
      'Dépassement de plafond : un agent enregistré au-delà du plafond, un agent écouté au-delà du maximum plus un plan approuvé, un coach au-delà du plafond des coachs.',
    ],
    breachesProducer: (recount, producer) =>
      `Dépassements recomptés ici : ${recount} ; signalés par les contrôles : ${producer}.`,
  },
};

/** Apply French spacing to every string (and to the results of every function) of a table. */
function spaced<T>(value: T): T {
  if (typeof value === 'string') return frenchSpacing(value) as T;
  if (typeof value === 'function') {
    const fn = value as (...args: string[]) => string;
    return ((...args: string[]) => frenchSpacing(fn(...args))) as T;
  }
  if (Array.isArray(value)) return value.map(spaced) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, spaced(v)])) as T;
  }
  return value;
}

const fr: Strings = spaced(frRaw);

export function strings(lang: Lang): Strings {
  return lang === 'fr' ? fr : en;
}
