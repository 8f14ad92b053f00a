/**
 * Mocha root hooks of the unit tier (`npm run test:unit`): every test runs with socket
 * connections made to throw, so a unit test that reaches the network fails instead of passing
 * slowly. The core takes its clients as arguments; unit tests inject fakes.
 */
import net from 'node:net';
import type { RootHookObject } from 'mocha';

const { prototype } = net.Socket;
// eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be put back, never called here
const original = prototype.connect;

export const mochaHooks: RootHookObject = {
  beforeEach() {
    net.Socket.prototype.connect = function refuse(): never {
      throw new Error('a unit test opened a socket: inject a fake client instead');
    };
  },
  afterEach() {
    net.Socket.prototype.connect = original;
  },
};
