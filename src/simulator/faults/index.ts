export * from './engine.js';
export { SeededRandom } from './prng.js';
