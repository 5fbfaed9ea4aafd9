// Command pets serves the throughput benchmark's API (openapi.yaml: POST
// /pets) with the harness-generated server in ./pets, on 127.0.0.1:$PORT,
// so that any load tool can be pointed at it. bench/throughput.sh runs it
// side by side with ./handwritten. scripts/regenerate.sh regenerates ./pets
// after a codegen change (internal/generate's TestRepositoryCodeCurrent
// fails until then).
package main

import (
	"context"
	"io"
	"log"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/harness-sh/harness/bench/pets/pets"
	"github.com/harness-sh/harness/runtime/httpapi"
)

type service struct {
	pets.UnimplementedPets
	next atomic.Int64
}

func (s *service) CreatePet(_ context.Context, r pets.CreatePetRequest) (pets.CreatePetResponse, error) {
	p := r.Body
	return &pets.CreatePet201JSONResponse{Body: pets.Pet{ID: s.next.Add(1), Name: p.Name, Tag: p.Tag, Age: p.Age, PhotoURLs: p.PhotoURLs}}, nil
}

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	// As a scaffolded main serves, through the runtime's Lifecycle (without
	// its drain delay: SIGTERM from the benchmark stops it at once).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Logs as a scaffolded main logs them (JSON, level from LOG_LEVEL: an
	// access line per request unless it is warn or above), into
	// io.Discard: every line is formatted, none is written.
	h := pets.NewHandler(&service{}, pets.Options{Logger: httpapi.NewLogger(io.Discard, os.Getenv("LOG_LEVEL"))})
	life := &httpapi.Lifecycle{Logger: slog.New(slog.DiscardHandler), DrainDelay: -1}
	if err := life.ListenAndServe(ctx, &http.Server{Addr: "127.0.0.1:" + port, Handler: h}); err != nil {
		log.Fatal(err)
	}
}
