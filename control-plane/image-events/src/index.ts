export { type ImageEventsConfig, parseEnv } from './env.js';
export { ConfigurationError, ImageEventsError, ImageWorkError } from './errors.js';
export { createHandler, type HandlerOptions } from './handler.js';
export { handleImageEvent, type ImageEventDeps, type ImageEventOutcome, readEvent } from './image-event.js';
export { IMAGE_EVENTS_PERMISSIONS, imageEventsActions } from './permissions.js';
