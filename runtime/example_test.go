package runtime_test

import (
	"fmt"
	"log"
	"net/http"

	"github.com/harness-sh/harness/runtime"
)

// A service reads the values the chart mounts into its pod, finds itself,
// and listens on its deployment port.
func ExampleDefault() {
	cfg, err := runtime.Default() // $CH_VALUES_PATH or /opt/cloudharness/resources/allvalues.yaml
	if err != nil {
		log.Fatal(err)
	}
	me, err := cfg.Current() // $CH_CURRENT_APP_NAME
	if err != nil {
		log.Fatal(err)
	}
	addr := fmt.Sprintf(":%d", me.DeploymentPort())
	log.Fatal(http.ListenAndServe(addr, nil))
}

// Addresses of another application, as seen from inside the cluster.
func ExampleLoadWith() {
	cfg, err := runtime.LoadWith("testdata/allvalues.json", runtime.Options{Location: runtime.InCluster})
	if err != nil {
		log.Fatal(err)
	}
	app, err := cfg.App("samples")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(app.ServiceAddress())
	fmt.Println(app.PublicAddress())
	fmt.Println(app.ImageName())
	fmt.Println(cfg.Namespace(), cfg.Domain(), cfg.Tag())
	// Output:
	// http://samples.demo:80
	// https://samples.example.com
	// registry.example.com/demo/samples:1.4.2
	// demo example.com 1.4.2
}

// From the developer's machine, services are reached through
// `kubectl port-forward -n demo service/samples 80:80`.
func ExampleLocal() {
	cfg, err := runtime.LoadWith("testdata/allvalues.json", runtime.Options{Location: runtime.Local})
	if err != nil {
		log.Fatal(err)
	}
	app, err := cfg.App("my-worker")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(app.ServiceAddress())
	// Output:
	// http://localhost:9000
}

// The automatic database: the password is the chart's generated secret
// when the values leave harness.database.pass empty.
func ExampleApp_Database() {
	cfg, err := runtime.LoadWith("testdata/allvalues.json", runtime.Options{
		Location:    runtime.InCluster,
		SecretsPath: "testdata/secrets", // in a pod: /opt/cloudharness/resources/secrets
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range []string{"samples", "my-worker"} {
		app, err := cfg.App(name)
		if err != nil {
			log.Fatal(err)
		}
		db, err := app.Database()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(db.ConnectionString())
	}
	// Output:
	// postgres://samples-db:5432/samples?user=samples&password=s3cret
	// mongodb://worker:w0rker@my-worker-db:27017/
}

// An application's own values, beside harness:, decoded into its own type.
func ExampleApp_Values() {
	cfg, err := runtime.LoadWith("testdata/allvalues.json", runtime.Options{})
	if err != nil {
		log.Fatal(err)
	}
	app, err := cfg.App("samples")
	if err != nil {
		log.Fatal(err)
	}
	var own struct {
		Greeting string `json:"greeting"`
		Limits   struct {
			MaxItems int      `json:"maxItems"`
			Tags     []string `json:"tags"`
		} `json:"limits"`
	}
	if err := app.Values(&own); err != nil {
		log.Fatal(err)
	}
	fmt.Println(own.Greeting, own.Limits.MaxItems, own.Limits.Tags)
	// Output:
	// hello 20 [a b]
}

// Outside the cluster, harness run and the compose file give each
// application's real addresses, which replace the computed ones.
func ExampleOptions_addresses() {
	cfg, err := runtime.LoadWith("testdata/allvalues.json", runtime.Options{
		SecretsPath: "testdata/secrets",
		// harness run writes these to a file and sets CH_ADDRESSES_PATH.
		Addresses: map[string]runtime.Addresses{
			"samples": {
				Service:  "http://127.0.0.1:8001",
				Public:   "http://127.0.0.1:8001",
				Database: "postgres://127.0.0.1:5433",
			},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	app, err := cfg.App("samples")
	if err != nil {
		log.Fatal(err)
	}
	db, err := app.Database()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(app.ServiceAddress())
	fmt.Println(app.PublicAddress())
	fmt.Println(db.ConnectionString())
	// Output:
	// http://127.0.0.1:8001
	// http://127.0.0.1:8001
	// postgres://127.0.0.1:5433/samples?user=samples&password=s3cret
}

// Secrets are files, one per secret; a missing one is an error naming the
// application and the secret.
func ExampleApp_Secret() {
	cfg, err := runtime.LoadWith("testdata/allvalues.json", runtime.Options{SecretsPath: "testdata/secrets"})
	if err != nil {
		log.Fatal(err)
	}
	app, err := cfg.App("samples")
	if err != nil {
		log.Fatal(err)
	}
	key, err := app.Secret("api-key")
	fmt.Println(key, err)
	_, err = app.Secret("token")
	fmt.Println(err)
	// Output:
	// k-123 <nil>
	// secret "token" of application "samples": secret not found (no file testdata/secrets/samples/token)
}

// A long-running service keeps its values fresh: Kubernetes updates the
// mounted ConfigMap in place and the Loader reloads it.
func ExampleNewLoader() {
	loader := runtime.NewLoader("testdata/allvalues.json", runtime.Options{Location: runtime.InCluster})
	handler := func(w http.ResponseWriter, r *http.Request) {
		cfg, err := loader.Config() // cheap: looks at the file at most once a second
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		worker, err := cfg.App("my-worker")
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(w, worker.ServiceAddress())
	}
	http.HandleFunc("/worker", handler)
}
