package deploy

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestBackupRotation runs the backup CronJob's script as the chart renders
// it, with stand-ins for pg_dumpall and mongodump: the dump lands in daily/,
// is kept as the week's and the month's backup, and backups older than
// keep_days, keep_weeks and keep_months allow are deleted, as CloudHarness's
// postgres-backup-local does.
func TestBackupRotation(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	dir := writeTree(t, map[string]string{
		"deployment-configuration/values-template.yaml": "backup:\n  active: true\n  keep_days: 7\n  keep_weeks: 4\n  keep_months: 6\n",
		"applications/pg/Dockerfile":                    dockerfile,
		"applications/pg/deploy/values.yaml":            "harness:\n  database:\n    auto: true\n    type: postgres\n",
		"applications/mg/Dockerfile":                    dockerfile,
		"applications/mg/deploy/values.yaml":            "harness:\n  database:\n    auto: true\n    type: mongo\n",
	})
	res, err := run(t, &Deployment{Roots: []string{dir}, Tag: "1"})
	if err != nil {
		t.Fatal(err)
	}
	// Stand-ins write what a dump would; mongodump gzips itself.
	bin := t.TempDir()
	for name, script := range map[string]string{
		"pg_dumpall": "#!/bin/sh\necho \"dump of $*\"\n",
		"mongodump":  "#!/bin/sh\nfor a; do case $a in --archive=*) echo \"dump of $*\" | gzip > \"${a#--archive=}\";; esac; done\n",
	} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	objs := objects(t, res)
	for _, db := range []string{"pg-db", "mg-db"} {
		t.Run(db, func(t *testing.T) {
			job := objs["CronJob/"+db+"-backup"]
			if job == nil {
				t.Fatalf("no CronJob %s-backup", db)
			}
			c := lookupOrNil(job, "spec.jobTemplate.spec.template.spec").(map[string]any)["containers"].([]any)[0].(map[string]any)
			script := c["args"].([]any)[0].(string)
			backups := t.TempDir()
			env := []string{"PATH=" + bin + ":" + os.Getenv("PATH"), "DB_HOST=" + db, "DB_USER=u", "DB_PASSWORD=p"}
			for _, e := range c["env"].([]any) {
				e := e.(map[string]any)
				if v, ok := e["value"].(string); ok {
					if e["name"] == "BACKUP_DIR" {
						v = backups
					}
					env = append(env, e["name"].(string)+"="+v)
				}
			}
			// What earlier runs left, by age in days.
			old := map[string]int{
				"daily/a.gz": 3, "daily/b.gz": 10,
				"weekly/a.gz": 20, "weekly/b.gz": 40,
				"monthly/a.gz": 100, "monthly/b.gz": 200,
				"legacy-recent.gz": 1, "legacy-old.gz": 30,
			}
			for name, days := range old {
				p := filepath.Join(backups, name)
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
					t.Fatal(err)
				}
				when := time.Now().Add(-time.Duration(days)*24*time.Hour - time.Hour)
				if err := os.Chtimes(p, when, when); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command(sh, "-c", script)
			cmd.Env = env
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("backup script: %v\n%s\nscript:\n%s", err, out, script)
			}

			var got []string
			filepath.WalkDir(backups, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(backups, p)
					got = append(got, rel)
				}
				return nil
			})
			now := time.Now()
			year, week := now.ISOWeek()
			want := []string{
				"daily/a.gz", "daily/" + now.Format("20060102-"),
				"weekly/a.gz", fmt.Sprintf("weekly/%d-W%02d.gz", year, week),
				"monthly/a.gz", "monthly/" + now.Format("2006-01") + ".gz",
				"legacy-recent.gz",
			}
			for _, w := range want {
				if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) }) {
					t.Errorf("no %s in %v", w, got)
				}
			}
			for _, gone := range []string{"daily/b.gz", "weekly/b.gz", "monthly/b.gz", "legacy-old.gz"} {
				if slices.Contains(got, gone) {
					t.Errorf("%s outlived its retention: %v", gone, got)
				}
			}
			if len(got) != len(want) {
				t.Errorf("backups %v, want one of each of %v", got, want)
			}
			// The new dump is the dump, compressed.
			for _, g := range got {
				if strings.HasPrefix(g, "daily/"+now.Format("20060102-")) {
					f, err := os.Open(filepath.Join(backups, g))
					if err != nil {
						t.Fatal(err)
					}
					defer f.Close()
					zr, err := gzip.NewReader(f)
					if err != nil {
						t.Fatalf("%s: %v", g, err)
					}
					b, _ := io.ReadAll(zr)
					if !strings.Contains(string(b), "dump of") || !strings.Contains(string(b), db) {
						t.Errorf("%s holds %q", g, b)
					}
				}
			}
		})
	}
}
