export {
  CLICK_ID_BYTES,
  CLICK_ID_LENGTH,
  MAX_EXTERNAL_CLICK_ID_LENGTH,
  isMintedClickId,
  isValidClickIdFormat,
  mintClickId,
} from './click-id';
export { mintSecretToken, newId } from './token';
