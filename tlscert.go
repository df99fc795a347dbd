package fakeshift

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"sync"
	"time"
)

// The default certificate is made once per process, on the first TLS handshake that needs
// it, so that start-up does not pay for an RSA key (Redshift's certificates are RSA).
var (
	defaultCertOnce sync.Once
	defaultCert     *tls.Certificate
	defaultCertErr  error
)

func selfSignedCert() (*tls.Certificate, error) {
	defaultCertOnce.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			defaultCertErr = fmt.Errorf("make TLS key: %w", err)
			return
		}
		now := time.Now()
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(now.UnixNano()),
			Subject:      pkix.Name{CommonName: "localhost", Organization: []string{"fakeshift"}},
			DNSNames:     []string{"localhost"},
			IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
			NotBefore:    now.Add(-time.Hour),
			NotAfter:     now.AddDate(10, 0, 0),
			KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			defaultCertErr = fmt.Errorf("make TLS certificate: %w", err)
			return
		}
		defaultCert = &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	})
	return defaultCert, defaultCertErr
}

// tlsConfig is what the PostgreSQL endpoints offer: TLS 1.2 with ECDHE-RSA-AES256-GCM-SHA384,
// what Redshift's connection logs show (Go would prefer AES-128 if it were offered), and
// ChaCha20 for clients without AES.
func tlsConfig(certFile, keyFile string) (*tls.Config, error) {
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{
			tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		},
	}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("load TLS certificate %s and key %s: %w", certFile, keyFile, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
		return cfg, nil
	}
	cfg.GetCertificate = func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return selfSignedCert() }
	return cfg, nil
}
