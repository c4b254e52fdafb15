// A public CA certificate (no key exists anywhere) for the `istio-ca-root-cert` ConfigMaps of a
// generated mesh when the caller does not pass the root of the cluster it joins. Pass the real one
// (`GenerateAppsOptions.rootCertPem`) when the other objects carry an `istio-system/cacerts`, or
// trust-root checks will rightly see two roots.

export const SYNTHETIC_ROOT_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIB4zCCAYmgAwIBAgIUaUSN6HDIjKT/iolGBsnczbsqF8wwCgYIKoZIzj0EAwIw
PjEbMBkGA1UECgwSbWVzaC1tZWRpYyBzYW5kYm94MR8wHQYDVQQDDBZTeW50aGV0
aWMgTWVzaCBSb290IENBMCAXDTI2MTEyMjAzMDcyNVoYDzIxMjYxMDI5MDMwNzI1
WjA+MRswGQYDVQQKDBJtZXNoLW1lZGljIHNhbmRib3gxHzAdBgNVBAMMFlN5bnRo
ZXRpYyBNZXNoIFJvb3QgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASxo+0m
2L5jObODgCu3QMAm+NQRGVs55SxbRUZPnD9LxskuyXIsWgd0xP7kEY+YiA6swvrh
Jf4T2diAMXwlCTfmo2MwYTAdBgNVHQ4EFgQU/MJVlKv4BjEMOckU8cOVAtXaqZow
HwYDVR0jBBgwFoAU/MJVlKv4BjEMOckU8cOVAtXaqZowDwYDVR0TAQH/BAUwAwEB
/zAOBgNVHQ8BAf8EBAMCAQYwCgYIKoZIzj0EAwIDSAAwRQIhAOPQOlwu4UIf8TSY
SZis+6VSR65RIIFhMbC1ijqui04mAiBVoosUoDT0bo57y3hWkJRCqDhPjlOqBro0
4aFCbWcinQ==
-----END CERTIFICATE-----
`;
