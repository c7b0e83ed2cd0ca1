package report

import (
	"encoding/json"
	"testing"
)

func TestCSVField(t *testing.T) {
	for in, want := range map[string]string{
		"plain":        "plain",
		"Smith, John":  `"Smith, John"`,
		`say "hi"`:     `"say ""hi"""`,
		"two\nlines":   "\"two\nlines\"",
		"":             "",
		"=SUM(A1:A2)":  "=SUM(A1:A2)", // scripts get the text as is
		"caf\u00e9 ok": "caf\u00e9 ok",
	} {
		if got := string(csvField(nil, []byte(in))); got != want {
			t.Errorf("csvField(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestJSONString(t *testing.T) {
	for _, in := range []string{"plain", `q"uote`, `back\slash`, "nl\ncr\rtab\t", "ctl\x01\x1f\x7f", "caf\u00e9 \u2028"} {
		var got string
		b := jsonString(nil, in)
		if err := json.Unmarshal(b, &got); err != nil || got != in {
			t.Errorf("jsonString(%q) = %s: decodes to %q, %v", in, b, got, err)
		}
	}
}

func TestPrintable(t *testing.T) {
	if got := printable("a\nb\tc"); got != "a b c" {
		t.Errorf("printable = %q", got)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"csv": CSV, "JSON": JSON, "table": Table} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("ParseFormat accepted xml")
	}
}

func TestSafeCSVField(t *testing.T) {
	for in, want := range map[string]string{
		"=SUM(A1:A2)": "'=SUM(A1:A2)",
		"+1":          "'+1",
		"-2":          "'-2",
		"@cmd":        "'@cmd",
		"\tx":         "'\tx",
		"=a,b":        `"'=a,b"`,
		"Maria":       "Maria",
		"a=b":         "a=b",
		"":            "",
	} {
		if got := string(safeCSVField(nil, []byte(in))); got != want {
			t.Errorf("safeCSVField(%q) = %q, want %q", in, got, want)
		}
	}
}
