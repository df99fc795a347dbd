package integration

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/fixtures"
)

// digestLogin logs in the way Redshift's drivers answer AUTH_REQ_DIGEST (code 13):
// digest = SHA256( SHA256(password || salt) || serverNonce || clientNonce ), with the
// client nonce the milliseconds since the epoch as text. psql and pgx do not implement it.
// It returns the open connection, or the server's ErrorResponse.
func digestLogin(t *testing.T, addr, user, password, database string) (net.Conn, *pgproto3.ErrorResponse) {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	startup, err := (&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
		Parameters: map[string]string{"user": user, "database": database, "client_protocol_version": "2"}}).Encode(nil)
	require.NoError(t, err)
	_, err = nc.Write(startup)
	require.NoError(t, err)

	for {
		typ, body := readMessage(t, nc)
		switch typ {
		case 'R':
			code := binary.BigEndian.Uint32(body)
			switch code {
			case 0: // AuthenticationOk
				continue
			case 13:
				b := body[4:]
				algo := binary.BigEndian.Uint32(b)
				require.Equal(t, uint32(0), algo, "SHA-256")
				saltLen := int(binary.BigEndian.Uint32(b[4:]))
				salt := b[8 : 8+saltLen]
				b = b[8+saltLen:]
				nonceLen := int(binary.BigEndian.Uint32(b))
				serverNonce := b[4 : 4+nonceLen]
				clientNonce := []byte(strconv.FormatInt(time.Now().UnixMilli(), 10))
				inner := sha256.Sum256(append([]byte(password), salt...))
				h := sha256.New()
				h.Write(inner[:])
				h.Write(serverNonce)
				h.Write(clientNonce)
				digest := h.Sum(nil)
				msg := []byte{'d', 0, 0, 0, 0}
				msg = binary.BigEndian.AppendUint32(msg, uint32(len(digest)))
				msg = append(msg, digest...)
				msg = binary.BigEndian.AppendUint32(msg, uint32(len(clientNonce)))
				msg = append(msg, clientNonce...)
				binary.BigEndian.PutUint32(msg[1:], uint32(len(msg)-1))
				_, err := nc.Write(msg)
				require.NoError(t, err)
			default:
				t.Fatalf("server asked for auth code %d, want 13", code)
			}
		case 'E':
			var er pgproto3.ErrorResponse
			require.NoError(t, er.Decode(body))
			nc.Close()
			return nil, &er
		case 'Z':
			nc.SetDeadline(time.Time{})
			return nc, nil
		}
	}
}

func readMessage(t *testing.T, r io.Reader) (byte, []byte) {
	t.Helper()
	hdr := make([]byte, 5)
	_, err := io.ReadFull(r, hdr)
	require.NoError(t, err)
	body := make([]byte, binary.BigEndian.Uint32(hdr[1:])-4)
	_, err = io.ReadFull(r, body)
	require.NoError(t, err)
	return hdr[0], body
}

func TestSHA256DigestLogin(t *testing.T) {
	f := fixtures.New(t)
	ctx := context.Background()
	master := f.Master()
	_, err := master.Exec(ctx, "create user digestuser password 'sha256|Digest1234'")
	require.NoError(t, err)

	nc, er := digestLogin(t, f.Endpoints().PG, "digestuser", "Digest1234", "dev")
	require.Nil(t, er, "login refused: %+v", er)
	defer nc.Close()
	fe := pgproto3.NewFrontend(nc, nc)
	fe.Send(&pgproto3.Query{String: "select current_user"})
	require.NoError(t, fe.Flush())
	var got string
	for {
		msg, err := fe.Receive()
		require.NoError(t, err)
		if dr, ok := msg.(*pgproto3.DataRow); ok {
			got = string(dr.Values[0])
		}
		if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
			break
		}
	}
	require.Equal(t, "digestuser", got)

	_, er = digestLogin(t, f.Endpoints().PG, "digestuser", "Wrong12345", "dev")
	require.NotNil(t, er)
	require.Equal(t, "28000", er.Code)
	require.Equal(t, fmt.Sprintf("password authentication failed for user %q", "digestuser"), er.Message)

	// A precomputed digest and salt log in the same way.
	salt := "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
	saltBytes := make([]byte, 32)
	fmt.Sscanf(salt, "%x", &saltBytes)
	sum := sha256.Sum256(append([]byte("Precomp123"), saltBytes...))
	_, err = master.Exec(ctx, fmt.Sprintf("create user precomp password 'sha256|%x|%s'", sum, salt))
	require.NoError(t, err)
	nc2, er := digestLogin(t, f.Endpoints().PG, "precomp", "Precomp123", "dev")
	require.Nil(t, er, "precomputed digest login refused: %+v", er)
	nc2.Close()
}
