package concord_test

import (
	"testing"

	"concord"
)

func TestDecodeStrict(t *testing.T) {
	type inner struct {
		N int `json:"n"`
	}
	type doc struct {
		Name  string `json:"name"`
		Inner inner  `json:"inner"`
	}
	tests := []struct {
		in, field string
		ok        bool
	}{
		{`{"name":"x","inner":{"n":1}}`, "", true},
		{`{"name":"x","colour":"red"}`, "colour", false},
		{`{"inner":{"n":"one"}}`, "inner.n", false},
		{`{"name":"x"} {}`, "", false},
		{`{"name":`, "", false},
		{``, "", false},
	}
	for _, tt := range tests {
		var d doc
		err := concord.DecodeStrict([]byte(tt.in), &d)
		if (err == nil) != tt.ok || (err != nil && (concord.ErrorCode(err) != concord.EINVALID || concord.ErrorField(err) != tt.field)) {
			t.Errorf("DecodeStrict(%q) = %v (field %q), want ok=%v field %q", tt.in, err, concord.ErrorField(err), tt.ok, tt.field)
		}
	}
}
