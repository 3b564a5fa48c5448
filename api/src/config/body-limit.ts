/** Default JSON body limit: 1 MB, four times Service Bus Standard's message size. */
export const DEFAULT_JSON_BODY_LIMIT_IN_BYTES = 1024 * 1024;
