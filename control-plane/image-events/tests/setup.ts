import 'aws-sdk-client-mock-vitest/extend';

// Never let a test reach the instance metadata service or a developer's AWS profile.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDIMAGEEVENTS';
process.env.AWS_SECRET_ACCESS_KEY ??= 'image-events-secret';
