import { describe, expect, it } from 'vitest';
import { decodeContinuation, encodeContinuation, JobEventError, parseJobEvent } from '../src/index.js';
import { jobEvent } from './helpers.js';

describe('Function: parseJobEvent', () => {
  it('reads the job id, the source artifact and the artifact credentials', () => {
    expect(parseJobEvent(jobEvent('job-1', { bucket: 'b', key: 'k.zip' }))).toEqual({
      id: 'job-1',
      artifact: { bucket: 'b', key: 'k.zip' },
      artifactCredentials: { accessKeyId: 'testing', secretAccessKey: 'testing', sessionToken: 'token' },
      continuationToken: undefined,
    });
  });

  it('reads the continuation token', () => {
    expect(parseJobEvent(jobEvent('job-2', { bucket: 'b', key: 'k' }, 'tok')).continuationToken).toBe('tok');
  });

  it.each([
    ['no job', {}, 'not a CodePipeline job'],
    ['a custom resource event', { RequestType: 'Create' }, 'not a CodePipeline job'],
    ['no id', { 'CodePipeline.job': { data: {} } }, 'no valid id'],
    ['two inputs', { 'CodePipeline.job': { id: 'j', data: { inputArtifacts: [{}, {}] } } }, 'exactly one input artifact'],
    ['an input outside S3', { 'CodePipeline.job': { id: 'j', data: { inputArtifacts: [{ location: { type: 'GitHub' } }] } } }, 'not in S3'],
  ])('refuses %s', (_name, event, message) => {
    expect(() => parseJobEvent(event)).toThrow(JobEventError);
    expect(() => parseJobEvent(event)).toThrow(message);
  });
});

describe('Function: decodeContinuation', () => {
  it('reads back what encodeContinuation wrote', () => {
    const c = { v: 1 as const, execution: 'job-1', stateKey: 'deployments/job-1/state.json' };
    expect(decodeContinuation(encodeContinuation(c))).toEqual(c);
  });

  it.each([
    ['not JSON', 'x'],
    ['another version', JSON.stringify({ v: 2, execution: 'job-1', stateKey: 'deployments/job-1/state.json' })],
    ['a state key outside the deployment', JSON.stringify({ v: 1, execution: 'job-1', stateKey: 'reports/other.json' })],
    ['an execution that is a path', JSON.stringify({ v: 1, execution: '../x', stateKey: 'deployments/../x/state.json' })],
  ])('refuses %s', (_name, token) => {
    expect(decodeContinuation(token)).toBeUndefined();
  });
});
