import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { readCostDirectives } from '@instainstru/platform';
import { getNamedType, getNullableType, isCompositeType, isListType, isObjectType, parse } from 'graphql';
import { PARTNER_FIELD_SCOPES } from '../../gateway/src/plugins/usePartnerScopes';
import { buildOperationManifest } from '../../scripts/operations';

const root = resolve(__dirname, '../..');
const supergraphSdl = readFileSync(join(root, 'schemas/supergraph.graphql'), 'utf8');
const api = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();

describe('edge contracts', () => {
  it('the committed trusted-operation manifest is what schemas/operations/*.graphql build, all valid', () => {
    const { manifest, errors } = buildOperationManifest();
    expect(errors).toEqual([]);
    expect(readFileSync(join(root, 'schemas/operations/manifest.json'), 'utf8')).toBe(manifest);
  });

  it('every list of objects declares its size (@listSize), so the cost of an operation is never a guess', () => {
    const { listSizes } = readCostDirectives(parse(supergraphSdl));
    const sizedByParent = new Set<string>();
    for (const [key, rule] of listSizes) {
      const [type, field] = key.split('.') as [string, string];
      const owner = api.getType(type);
      if (!rule.sizedFields || !isObjectType(owner)) continue;
      for (const sized of rule.sizedFields) sizedByParent.add(`${getNamedType(owner.getFields()[field]!.type).name}.${sized}`);
    }
    const undeclared: string[] = [];
    for (const type of Object.values(api.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const key = `${type.name}.${field.name}`;
        const list = isListType(getNullableType(field.type));
        if (list && isCompositeType(getNamedType(field.type)) && !listSizes.has(key) && !sizedByParent.has(key)) undeclared.push(key);
      }
    }
    expect(undeclared).toEqual([]);
  });

  it('every field a partner scope opens exists in the supergraph', () => {
    const missing = Object.keys(PARTNER_FIELD_SCOPES).filter((key) => {
      const [type, field] = key.split('.') as [string, string];
      const owner = api.getType(type);
      return !isObjectType(owner) || !owner.getFields()[field];
    });
    expect(missing).toEqual([]);
  });
});
