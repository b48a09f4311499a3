/** Understanding what people type: text → intent + the tenant's names + confidence (framework-free). */
export {
  understand,
  choiceFor,
  rawSubject,
  SUBJECT_TTL_MS,
  type Understanding,
  type UnderstoodIntent,
  type Entities,
  type Choice,
  type ConversationSubject,
  type UnderstandOptions,
} from './understand';
export { NameIndex, type TenantName, type EntityType, type NameMatch, type NameAlias } from './nameIndex';
export { TenantNames, loadNames, type NamesSnapshot } from './tenantNames';
export { sharedClassifier, IntentClassifier, type ClassifiedIntent } from './intentClassifier';
export { daysWindow, reminderDays } from './durations';
