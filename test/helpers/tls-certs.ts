/**
 * A test PKI made with the openssl CLI in a temp dir: a CA, server certificates (good, wrong
 * host, self-signed, expired) and a client certificate from a second CA, for mTLS.
 *
 * @example
 * const pki = makeTestPki(t, openssl);
 * createNodeTransport({ tls: { verify: pki.caPem } });
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export interface CertFiles {
  /** Paths of the PEM certificate and key. */
  readonly cert: string;
  readonly key: string;
}

export interface TestPki {
  readonly dir: string;
  /** The server CA: its certificate path and PEM text. */
  readonly caFile: string;
  readonly caPem: string;
  /** localhost + 127.0.0.1 + ::1, signed by the CA. */
  readonly good: CertFiles;
  /** Only for `other.invalid`, signed by the CA. */
  readonly wrongHost: CertFiles;
  /** localhost, self-signed. */
  readonly selfSigned: CertFiles;
  /** localhost, signed by the CA, valid only in January 2020. */
  readonly expired: CertFiles;
  /** The client CA certificate (path) nginx trusts for mTLS. */
  readonly clientCaFile: string;
  /** A client certificate signed by the client CA. */
  readonly client: CertFiles;
}

const san = 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1';

/** Makes the PKI under a temp dir removed by `t.after()`. */
export function makeTestPki(t: Pick<TestContext, 'after'>, openssl: string): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-pki-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[]): void => {
    execFileSync(openssl, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const key = (name: string): string => {
    run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', `${name}.key`]);
    return join(dir, `${name}.key`);
  };
  const selfSignedCa = (name: string, cn: string): void => {
    key(name);
    run([
      'req',
      '-x509',
      '-new',
      '-key',
      `${name}.key`,
      '-subj',
      `/CN=${cn}`,
      '-days',
      '3',
      '-out',
      `${name}.pem`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
  };
  const csr = (name: string, cn: string, ext: string | null): void => {
    key(name);
    run(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, ...(ext ? ['-addext', ext] : []), '-out', `${name}.csr`]);
  };
  const sign = (name: string, ca: string, ext: string): CertFiles => {
    writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
    run([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ]);
    return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  };

  selfSignedCa('ca', 'ferry test CA');
  selfSignedCa('client-ca', 'ferry client CA');
  csr('good', 'localhost', null);
  const good = sign('good', 'ca', san);
  csr('wrong', 'other.invalid', null);
  const wrongHost = sign('wrong', 'ca', 'subjectAltName=DNS:other.invalid');
  csr('client', 'ferry client', null);
  const client = sign('client', 'client-ca', 'extendedKeyUsage=clientAuth');

  key('self');
  run(['req', '-x509', '-new', '-key', 'self.key', '-subj', '/CN=localhost', '-days', '2', '-addext', san, '-out', 'self.pem']);
  const selfSigned = { cert: join(dir, 'self.pem'), key: join(dir, 'self.key') };

  // `openssl ca` can back-date a certificate (OpenSSL 3.0's x509 cannot).
  mkdirSync(join(dir, 'newcerts'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    `[ ca ]\ndefault_ca = d\n[ d ]\ndatabase = ${dir}/index.txt\nnew_certs_dir = ${dir}/newcerts\nserial = ${dir}/serial\n` +
      `default_md = sha256\npolicy = p\ncopy_extensions = copy\nunique_subject = no\n[ p ]\ncommonName = supplied\n`,
  );
  csr('expired', 'localhost', san);
  run([
    'ca',
    '-batch',
    '-config',
    'ca.cnf',
    '-cert',
    'ca.pem',
    '-keyfile',
    'ca.key',
    '-in',
    'expired.csr',
    '-out',
    'expired.pem',
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200102000000Z',
    '-notext',
  ]);
  const expired = { cert: join(dir, 'expired.pem'), key: join(dir, 'expired.key') };

  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    good,
    wrongHost,
    selfSigned,
    expired,
    clientCaFile: join(dir, 'client-ca.pem'),
    client,
  };
}
