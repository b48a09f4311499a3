/**
 * The Dataverse entity types the emulator serves, with the property names their Web API EntityType reference pages
 * list (learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/<entity>): structural properties as
 * the Web API spells them (lookups as `_<name>_value`), and the single-valued navigation properties `$expand` may
 * name. A query that selects, filters on or expands anything else is refused as Dataverse refuses it (400,
 * 0x80060888, "Could not find a property named '…' on type 'Microsoft.Dynamics.CRM.<entity>'."), so a client that
 * asks for a property that does not exist fails here as it would against every real environment.
 */
import { apiError } from './http';

export interface EntityType {
  /** Logical name, as in the error's type name Microsoft.Dynamics.CRM.<logicalName>. */
  logicalName: string;
  primaryKey: string;
  properties: ReadonlySet<string>;
  /** Single-valued navigation property → the entity type it leads to. */
  navigation: Readonly<Record<string, string>>;
}

const COMMON = [
  'createdon',
  'modifiedon',
  '_createdby_value',
  '_modifiedby_value',
  'versionnumber',
  'overriddencreatedon',
  'importsequencenumber',
];
const SOLUTION_AWARE = [
  'componentidunique',
  'componentstate',
  'ismanaged',
  'iscustomizable',
  'overwritetime',
  'solutionid',
];
const OWNED = ['_ownerid_value', '_owninguser_value', '_owningteam_value', '_owningbusinessunit_value'];

function entity(
  logicalName: string,
  primaryKey: string,
  properties: string[],
  navigation: Record<string, string> = {},
): EntityType {
  return { logicalName, primaryKey, properties: new Set([primaryKey, ...properties]), navigation };
}

/** By entity set name (the URL segment). */
export const ENTITY_SETS: Readonly<Record<string, EntityType>> = {
  connectionreferences: entity(
    'connectionreference',
    'connectionreferenceid',
    [
      'connectionreferencelogicalname',
      'connectionreferencedisplayname',
      'connectionid',
      'connectorid',
      // The custom connector is a lookup: `_customconnectorid_value`; there is no `customconnectorid` property.
      '_customconnectorid_value',
      'description',
      'statecode',
      'statuscode',
      'promptingbehavior',
      'connectionparametersconfig',
      'connectionparametersetconfig',
      ...SOLUTION_AWARE,
      ...OWNED,
      ...COMMON,
    ],
    { ownerid: 'principal', CustomConnectorId: 'connector' },
  ),
  solutions: entity(
    'solution',
    'solutionid',
    [
      'uniquename',
      'friendlyname',
      'ismanaged',
      'isvisible',
      'version',
      'description',
      'installedon',
      'pinpointsolutionid',
      '_publisherid_value',
      '_parentsolutionid_value',
      ...COMMON,
    ],
    { publisherid: 'publisher' },
  ),
  publishers: entity('publisher', 'publisherid', [
    'uniquename',
    'friendlyname',
    'customizationprefix',
    'customizationoptionvalueprefix',
    'description',
    ...COMMON,
  ]),
  solutioncomponents: entity(
    'solutioncomponent',
    'solutioncomponentid',
    [
      'componenttype',
      'objectid',
      '_solutionid_value',
      'rootcomponentbehavior',
      '_rootsolutioncomponentid_value',
      'ismetadata',
      ...COMMON,
    ],
    { solutionid: 'solution' },
  ),
  systemusers: entity(
    'systemuser',
    'systemuserid',
    [
      'fullname',
      'domainname',
      'applicationid',
      'azureactivedirectoryobjectid',
      'isdisabled',
      'accessmode',
      'internalemailaddress',
      'firstname',
      'lastname',
      '_businessunitid_value',
      ...COMMON,
    ],
    { businessunitid: 'businessunit' },
  ),
  roles: entity('role', 'roleid', ['name', '_businessunitid_value', 'ismanaged', 'roletemplateid', ...COMMON]),
  workflows: entity(
    'workflow',
    'workflowid',
    [
      'name',
      'category',
      'type',
      'primaryentity',
      'statecode',
      'statuscode',
      'clientdata',
      'description',
      'workflowidunique',
      'mode',
      'scope',
      ...SOLUTION_AWARE,
      ...OWNED,
      ...COMMON,
    ],
    { ownerid: 'principal' },
  ),
};

const BY_LOGICAL_NAME: Record<string, EntityType> = Object.fromEntries(
  Object.values(ENTITY_SETS).map((e) => [e.logicalName, e]),
);

export function entityTypeByLogicalName(logicalName: string): EntityType | undefined {
  return BY_LOGICAL_NAME[logicalName];
}

export function unknownProperty(name: string, type: EntityType | string): Error {
  const logicalName = typeof type === 'string' ? type : type.logicalName;
  return apiError(
    400,
    '0x80060888',
    `Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.${logicalName}'.`,
  );
}

/** `$select=a,b` → the names, each checked against the entity's properties. */
export function parseSelect(select: string | undefined, type: EntityType): string[] | undefined {
  if (select === undefined) return undefined;
  const names = select
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  for (const name of names) if (!type.properties.has(name)) throw unknownProperty(name, type);
  return names;
}

export interface Expansion {
  navigation: string;
  target: EntityType | undefined;
  select?: string[];
}

/** `$expand=nav($select=a,b),other` → each navigation property checked, and its nested $select too. */
export function parseExpand(expand: string | undefined, type: EntityType): Expansion[] {
  if (!expand) return [];
  const out: Expansion[] = [];
  let depth = 0;
  let start = 0;
  const parts: string[] = [];
  for (let i = 0; i < expand.length; i++) {
    if (expand[i] === '(') depth++;
    else if (expand[i] === ')') depth--;
    else if (expand[i] === ',' && depth === 0) {
      parts.push(expand.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(expand.slice(start));
  for (const raw of parts) {
    const part = raw.trim();
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?$/.exec(part);
    if (!match) throw apiError(400, '0x80060888', `The query parameter $expand=${expand} is not valid.`);
    const [, navigation, options] = match;
    const targetName = type.navigation[navigation];
    if (!targetName) throw unknownProperty(navigation, type);
    const target = entityTypeByLogicalName(targetName);
    const nestedSelect = options ? /\$select=([^;)]*)/i.exec(options)?.[1] : undefined;
    out.push({
      navigation,
      target,
      select: target && nestedSelect !== undefined ? parseSelect(nestedSelect, target) : undefined,
    });
  }
  return out;
}

/** The row as Dataverse returns it for `$select`: the etag, the primary key and the selected columns only. */
export function project(
  row: Record<string, unknown>,
  type: EntityType,
  select: string[] | undefined,
  expanded: string[],
): Record<string, unknown> {
  if (!select) return row;
  const out: Record<string, unknown> = {};
  if ('@odata.etag' in row) out['@odata.etag'] = row['@odata.etag'];
  for (const name of [...select, type.primaryKey, ...expanded]) if (name in row) out[name] = row[name];
  return out;
}
