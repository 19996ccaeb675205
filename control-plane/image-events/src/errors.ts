/** Errors of the image-events function. A thrown error makes Lambda retry the event (twice). */
class ImageEventsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ImageEventsError';
  }
}

/** The function's environment is missing or malformed (the bakery stack sets it). */
class ConfigurationError extends ImageEventsError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(
      `The image-events function is misconfigured: ${problems.join('; ')}. Update the bakery stack (the bootstrap Lambda sets these variables).`,
    );
    this.name = 'ConfigurationError';
    this.problems = problems;
  }
}

/** Part of the work on an image failed; the rest was done. Thrown after the event is published, so Lambda retries the event. */
class ImageWorkError extends ImageEventsError {
  readonly problems: readonly string[];
  constructor(image: string, problems: readonly string[]) {
    super(`Image ${image}: ${problems.join('; ')}`);
    this.name = 'ImageWorkError';
    this.problems = problems;
  }
}

export { ConfigurationError, ImageEventsError, ImageWorkError };
