// "Did you mean …?" for names typed in Slack: the same rule as the CLI's.

export { closestName as suggestClosest, levenshtein } from '../../config/closest.ts';
