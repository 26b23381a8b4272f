export {
  type AddressVerdict,
  type SsrfPolicy,
  STRICT_SSRF_POLICY,
  checkAddress,
  isForbiddenAddress,
} from './address-rules';
export {
  type Cidr,
  type IpAddress,
  InvalidCidrError,
  ipInCidrList,
  parseCidr,
  parseCidrList,
  parseIp,
  unmapIp,
} from './cidr';
export {
  type CheckedDestination,
  SECRET_PARAM_NAMES,
  checkDestinationUrl,
  redactUrl,
} from './destination-url';
export {
  FORBIDDEN_DESTINATION_CODES,
  type ForbiddenDestinationCode,
  ForbiddenDestinationError,
  isForbiddenDestinationError,
} from './forbidden-destination.error';
export { type GuardedLookupOptions, type LookupAllFunction, makeGuardedLookup } from './guarded-lookup';
