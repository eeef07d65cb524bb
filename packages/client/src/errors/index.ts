export { TranslationStatusError, type ErrorContext } from "./TranslationStatusError.js";
export { HttpError, type ResponseDetails } from "./HttpError.js";
export { AuthenticationError } from "./AuthenticationError.js";
export { NotFoundError } from "./NotFoundError.js";
export { RateLimitError } from "./RateLimitError.js";
export { NetworkError } from "./NetworkError.js";
export { RequestTimeoutError } from "./RequestTimeoutError.js";
export { UnexpectedResponseError } from "./UnexpectedResponseError.js";
export { WaitTimeoutError } from "./WaitTimeoutError.js";
