#!/bin/sh
# TEST FIXTURES ONLY. Generates the plug-in CA certificates (Istio's `cacerts` layout) used by the
# sandbox scenarios: one root per mesh family, one intermediate per cluster slot, like Istio's
# tools/certs/Makefile.selfsigned.mk. The keys are committed on purpose: they protect nothing and
# exist so that the trust checks compare real certificates. Never use them anywhere else.
# Re-running creates NEW keys and certificates (then re-run generate.ts to refresh the manifests).
set -eu
cd "$(dirname "$0")/certs"

root() { # name
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 7300 \
    -subj "/O=Istio/OU=mesh-medic TEST FIXTURE $1/CN=Root CA" \
    -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -keyout "$1-root-key.pem" -out "$1-root-cert.pem" 2>/dev/null
}

intermediate() { # root slot
  openssl req -newkey rsa:2048 -nodes -sha256 \
    -subj "/O=Istio/OU=mesh-medic TEST FIXTURE $1/CN=Intermediate CA/L=$2" \
    -keyout "$2-ca-key.pem" -out "$2.csr" 2>/dev/null
  printf 'basicConstraints=critical,CA:true,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\nsubjectAltName=DNS:istiod.istio-system.svc\n' > "$2.ext"
  openssl x509 -req -sha256 -days 3650 -in "$2.csr" -CA "$1-root-cert.pem" -CAkey "$1-root-key.pem" \
    -CAcreateserial -extfile "$2.ext" -out "$2-ca-cert.pem" 2>/dev/null
  cat "$2-ca-cert.pem" "$1-root-cert.pem" > "$2-cert-chain.pem"
  [ "$1" = "$2" ] || cp "$1-root-cert.pem" "$2-root-cert.pem"
  rm -f "$2.csr" "$2.ext"
}

root single;    intermediate single single
root multi;     intermediate multi mc-east; intermediate multi mc-west
root rogue;     intermediate rogue mc-west-rogue
root hosted;    intermediate hosted hosted-cp; intermediate hosted hosted-east; intermediate hosted hosted-west
root colo;      intermediate colo colo
# Root keys are not needed by any manifest: do not keep them.
rm -f ./*.srl ./*-root-key.pem
