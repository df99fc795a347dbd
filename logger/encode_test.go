package logger

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// awkward strings: every kind of escape encoding/json makes.
var awkward = []string{
	"", "select 1", `say "hi" \ back`, "tab\tnew\nline\rcr\bbs\fff", "\x00\x01\x1f\x7f",
	"<script>&amp;</script>", "é ß 中文 🙂", "\u2028\u2029", "bad \xff utf8 \xe2\x82", "\xed\xa0\x80",
}

// TestEncodeLikeEncodingJSON: the hand-written encoders make exactly encoding/json's bytes.
func TestEncodeLikeEncodingJSON(t *testing.T) {
	times := []time.Time{
		time.Date(2026, 11, 23, 14, 5, 6, 123456789, time.UTC),
		time.Date(2026, 11, 23, 14, 5, 6, 0, time.FixedZone("x", 3600)),
		{},
	}
	for _, s := range awkward {
		for _, tm := range times {
			for _, deliver := range []bool{false, true} {
				a := Activity{QueryID: 1 << 40, RecordTime: tm, DB: s, UserName: s, PID: -7, UserID: 100,
					XID: 12345, Label: s, Kind: KindDDL, QueryType: "CREATE", Text: s, Deliver: deliver}
				want, err := json.Marshal(&a)
				require.NoError(t, err)
				got, err := encodeActivity(nil, &a)
				require.NoError(t, err)
				require.Equal(t, string(want), string(got))
			}
			c := Completion{QueryID: 3, End: tm, Status: StatusFailed, Rows: -1, Error: s}
			want, err := json.Marshal(&c)
			require.NoError(t, err)
			got, err := encodeCompletion(nil, &c)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))
		}
	}

	// A year encoding/json refuses is refused too.
	_, err := encodeActivity(nil, &Activity{RecordTime: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
	require.ErrorContains(t, err, "year outside of range")
	_, err = encodeCompletion(nil, &Completion{End: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)})
	require.ErrorContains(t, err, "year outside of range")
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range awkward {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		require.Equal(t, string(want), string(appendJSONString(nil, s)))
	})
}
