package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
)

// A rotation's successor is kept sealed with a key derived from the token it
// replaced: whoever presents the rotated-out token inside the grace period
// can be given the successor, and the table alone gives nobody a token. The
// key's derivation differs from TokenDigest's, so the digest the record is
// found by does not open it.

func successorKey(rotatedOut string) []byte {
	sum := sha256.Sum256([]byte("eventboard rotation successor key\x00" + rotatedOut))
	return sum[:]
}

func successorAEAD(rotatedOut string) (cipher.AEAD, error) {
	block, err := aes.NewCipher(successorKey(rotatedOut))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// sealSuccessor seals successor with a key only rotatedOut gives.
func sealSuccessor(rotatedOut, successor string) (string, error) {
	aead, err := successorAEAD(rotatedOut)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte(successor), nil)), nil
}

// openSuccessor opens what sealSuccessor sealed for rotatedOut.
func openSuccessor(rotatedOut, sealed string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil {
		return "", err
	}
	aead, err := successorAEAD(rotatedOut)
	if err != nil {
		return "", err
	}
	if len(raw) < aead.NonceSize() {
		return "", errors.New("auth: sealed successor too short")
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], nil)
	if err != nil {
		return "", err
	}
	return string(plain), nil
}
