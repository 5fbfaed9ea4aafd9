package runtime

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultCheckInterval is how often a Loader looks at its file for changes.
const DefaultCheckInterval = time.Second

// Loader keeps a Config in step with its values file. Kubernetes updates a
// mounted ConfigMap in place (an atomic swap of the file); the Loader looks
// at the file's modification time and size at most once per CheckInterval
// and reloads when they change. If a reload fails, the last good Config
// stays in use and Err reports the failure. A Loader is safe for concurrent use.
type Loader struct {
	path  string
	opts  Options
	every time.Duration
	now   func() time.Time

	cfg     atomic.Pointer[Config]
	checked atomic.Int64 // unix nanoseconds of the last look at the file

	mu      sync.Mutex // serialises reloads
	modTime time.Time
	size    int64
	err     error
}

// NewLoader returns a Loader of the values file at path.
func NewLoader(path string, opts Options) *Loader {
	return &Loader{path: path, opts: opts, every: DefaultCheckInterval, now: time.Now}
}

// SetCheckInterval changes how often the file is looked at (0: at every
// call). Call it before the first Config.
func (l *Loader) SetCheckInterval(d time.Duration) { l.every = d }

// Path is the values file's path.
func (l *Loader) Path() string { return l.path }

// Config returns the current Config, loading the file the first time and
// reloading it when it has changed.
func (l *Loader) Config() (*Config, error) {
	cfg := l.cfg.Load()
	if cfg != nil && l.now().UnixNano()-l.checked.Load() < int64(l.every) {
		return cfg, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if cfg = l.cfg.Load(); cfg != nil && l.now().UnixNano()-l.checked.Load() < int64(l.every) {
		return cfg, nil // another goroutine just looked
	}
	l.checked.Store(l.now().UnixNano())
	st, err := os.Stat(l.path)
	if err != nil {
		return l.failed(cfg, fmt.Errorf("load values: %w", err))
	}
	if cfg != nil && st.ModTime().Equal(l.modTime) && st.Size() == l.size {
		return cfg, nil
	}
	next, err := LoadWith(l.path, l.opts)
	if err != nil {
		return l.failed(cfg, err)
	}
	l.modTime, l.size, l.err = st.ModTime(), st.Size(), nil
	l.cfg.Store(next)
	return next, nil
}

// failed keeps the last good Config, if any, and remembers the error.
func (l *Loader) failed(last *Config, err error) (*Config, error) {
	l.err = err
	if last != nil {
		return last, nil
	}
	return nil, err
}

// Err returns the error of the last reload, nil when it succeeded.
func (l *Loader) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// defaultLoader is built on first use, from the environment at that time.
var defaultLoader = sync.OnceValue(func() *Loader {
	path := os.Getenv(EnvValuesPath)
	if path == "" {
		path = DefaultValuesPath
	}
	return NewLoader(path, Options{})
})

// DefaultLoader is the Loader behind Default, for its Err.
func DefaultLoader() *Loader { return defaultLoader() }

// Default returns the Config of the pod's all-values file ($CH_VALUES_PATH,
// by default /opt/cloudharness/resources/allvalues.yaml), cached and reloaded
// when the file changes. Tests build their own Config with Load or Parse, or
// their own Loader.
func Default() (*Config, error) {
	return defaultLoader().Config()
}
