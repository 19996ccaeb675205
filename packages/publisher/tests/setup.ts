// Registers toHaveReceivedCommandWith and the other aws-sdk-client-mock matchers once for every test file.
import 'aws-sdk-client-mock-vitest/extend';
