import type { PartnerScope } from '@instainstru/platform';
import type { OperationCheck } from './useOperationCost';
import {
  getNamedType,
  GraphQLError,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/**
 * The fields a partner key may reach and the scope each needs. A root field (Query, Mutation)
 * that is not listed is closed to partners; a nested field that is listed needs its scope too
 * (an instructor's profile is catalog:read, their free slots availability:read). Bookings act for
 * the signed-in student whose token comes with the key; the booking service checks who that is.
 */
export const PARTNER_FIELD_SCOPES: Readonly<Record<string, PartnerScope>> = {
  'Query.categories': 'catalog:read',
  'Query.category': 'catalog:read',
  'Query.service': 'catalog:read',
  'Query.kidsAvailableServices': 'catalog:read',
  'Query.instructorsForService': 'catalog:read',
  'Query.searchInstructors': 'catalog:read',
  'Query.parseSearch': 'catalog:read',
  'Query.instructor': 'catalog:read',
  'Query.bookableSlots': 'availability:read',
  'Instructor.nextAvailableSlots': 'availability:read',
  'Query.myBookings': 'bookings:read',
  'Query.booking': 'bookings:read',
  'Mutation.createBooking': 'bookings:write',
  'Mutation.cancelBooking': 'bookings:write',
};

export type ScopeRefusal = { field: string; requiredScope: PartnerScope | null };

/** The first field of the operation the scopes do not open, or null when they open all of it. */
export function fieldClosedToScopes(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, scopes: readonly string[]): ScopeRefusal | null {
  const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name, schema.getSubscriptionType()?.name].filter(Boolean));
  const typeInfo = new TypeInfo(schema);
  let refusal: ScopeRefusal | null = null;
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  const walked = { ...document, definitions: [operation, ...fragments] };
  visit(
    walked,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (refusal) return false;
        const parent = typeInfo.getParentType();
        if (!parent || node.name.value === '__typename') return undefined;
        const field = `${getNamedType(parent).name}.${node.name.value}`;
        const required = PARTNER_FIELD_SCOPES[field];
        if (required ? !scopes.includes(required) : roots.has(parent.name)) {
          refusal = { field, requiredScope: required ?? null };
          return false;
        }
        return undefined;
      },
    }),
  );
  return refusal;
}

/** FORBIDDEN, naming the field and the scope it needs (or that partners may not use it at all). */
export function scopeRefusalError(refusal: ScopeRefusal): GraphQLError {
  return refusal.requiredScope
    ? new GraphQLError(`This API key lacks the ${refusal.requiredScope} scope that ${refusal.field} needs`, {
        extensions: { code: 'FORBIDDEN', reason: 'MISSING_SCOPE', details: refusal, http: { status: 403 } },
      })
    : new GraphQLError(`${refusal.field} is not available to partner API keys`, {
        extensions: { code: 'FORBIDDEN', reason: 'FIELD_NOT_AVAILABLE_TO_PARTNERS', details: { field: refusal.field }, http: { status: 403 } },
      });
}

/** The check useOperationCost runs for partner keys: their scopes must open every field (cached per document and set of scopes). */
export function partnerScopesCheck(): OperationCheck {
  const verdicts = new WeakMap<DocumentNode, Map<string, ScopeRefusal | null>>();
  return ({ schema, document, operation, context }) => {
    if (!context.partner) return null;
    const scopesKey = context.partner.scopes.join(' ');
    let known = verdicts.get(document);
    if (!known) verdicts.set(document, (known = new Map()));
    let refusal = known.get(scopesKey);
    if (refusal === undefined) known.set(scopesKey, (refusal = fieldClosedToScopes(schema, document, operation, context.partner.scopes)));
    return refusal && scopeRefusalError(refusal);
  };
}
