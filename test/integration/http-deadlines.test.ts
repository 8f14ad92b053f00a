/**
 * Requests with the same timeout share one deadline timer: a request that hangs among requests
 * that finish still times out, one that finishes never does, and a hang that starts after an
 * earlier one timed out is caught too (the timer is armed again).
 */
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MicrosoftHttpError } from '../../lib/errors.js';
import { send } from '../../lib/clients/http.js';
import { rejectionOf } from '../helpers/errors.js';

const TIMEOUT = 150;

describe('HTTP deadlines shared by requests with the same timeout', () => {
  let server: http.Server;
  let base: string;
  const hanging: http.ServerResponse[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const get = (path: string) =>
    send({
      method: 'GET',
      url: `${base}${path}`,
      endpoint: 'graph',
      timeout: TIMEOUT,
      maxBytes: 1024,
    });

  it('times out the request that hangs, and only that one, then catches a later hang as well', async () => {
    const [before, hang, after] = [get('/ok'), rejectionOf(get('/hang')), get('/ok')];
    expect((await before).status).to.equal(200);
    expect((await after).status).to.equal(200);
    const err = await hang;
    expect(err).to.be.instanceOf(MicrosoftHttpError);
    expect(err).to.include({ code: 'timeout', endpoint: 'graph' });

    // The queue emptied; a later hang arms the timer again.
    const second = rejectionOf(get('/hang'));
    expect((await get('/ok')).status).to.equal(200);
    expect(await second).to.include({ code: 'timeout', endpoint: 'graph' });
  });

  it('never times out a request that finished, even once its deadline has passed', async () => {
    const res = await get('/ok');
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT * 2));
    expect(res.status).to.equal(200);
    expect(res.body.toString('utf8')).to.equal('{"ok":true}');
  });
});
