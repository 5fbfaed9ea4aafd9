package openapi

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"strings"
)

// readTestSpec reads a spec of the test corpus, gunzipping a .gz one (the
// large corpus specs are kept compressed).
func readTestSpec(f string) ([]byte, error) {
	data, err := os.ReadFile(f)
	if err != nil || !strings.HasSuffix(f, ".gz") {
		return data, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
