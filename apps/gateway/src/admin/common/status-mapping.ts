import { CONVERSION_STATUSES } from '@ricochet/domain/model';
import type { CompiledTemplate } from '@ricochet/domain/templates';
import { configInputError } from './config-input.error';

/**
 * `{status:approved=1,pending=2}` maps the conversion status a forward announces, which is only ever
 * one of {@link CONVERSION_STATUSES}: a key outside them (`bogus=2`, a typo like `aproved=1`) could
 * never match, so the forward would silently send the unmapped status instead. Refused at save time.
 *
 * @throws BadRequestException INVALID_STATUS_MAPPING naming `field`.
 */
export function checkStatusMappings(template: CompiledTemplate, field: string): void {
  for (const segment of template.segments) {
    if (segment.type !== 'macro' || segment.name !== 'status' || segment.mapping === undefined) continue;
    const unknown = [...segment.mapping.keys()].filter(
      (key) => !(CONVERSION_STATUSES as readonly string[]).includes(key),
    );
    if (unknown.length > 0) {
      throw configInputError(
        'INVALID_STATUS_MAPPING',
        field,
        `${segment.token} in "${field}" maps ${unknown.map((key) => `"${key}"`).join(', ')}, which ` +
          `${unknown.length === 1 ? 'is not a conversion status' : 'are not conversion statuses'}; ` +
          `statuses are ${CONVERSION_STATUSES.join(', ')}`,
        `map only ${CONVERSION_STATUSES.join(', ')}, and * for any other value, like ` +
          '{status:approved=1,pending=2,rejected=3}',
      );
    }
  }
}
