// What a playbook is once loaded: validated front-matter plus the five sections, as markdown.

export interface PlaybookSections {
  symptoms: string;
  why: string;
  confirm: string;
  fix: string;
  automatedFix: string;
}

export interface Playbook {
  id: string;
  title: string;
  /** Check ids this playbook explains; each of those checks names this playbook. */
  checks: string[];
  /** Prometheus alert names this playbook explains (orders checks for alert-triggered diagnoses). */
  alerts: string[];
  /** Seed files (../shared/seeds) the facts come from. */
  sources: string[];
  sections: PlaybookSections;
  /** Absolute path of the markdown file. */
  path: string;
}

/** The `##` headings every playbook has, in this order, and the field each one fills. */
export const SECTION_HEADINGS: ReadonlyArray<{ heading: string; key: keyof PlaybookSections }> = [
  { heading: 'Symptoms', key: 'symptoms' },
  { heading: 'Why it happens', key: 'why' },
  { heading: 'Confirm', key: 'confirm' },
  { heading: 'Fix', key: 'fix' },
  { heading: 'Automated fix', key: 'automatedFix' },
];
