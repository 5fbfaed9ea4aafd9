// Command pets serves the throughput benchmark's API (openapi.yaml: POST
// /pets) with the harness-generated server in ./pets, on 127.0.0.1:$PORT,
// so that any load tool can be pointed at it. bench/throughput.sh runs it
// side by side with ./handwritten. Regenerate ./pets with
// bench/pets/generate.sh after a codegen change.
package main

import (
	"context"
	"io"
	"log"
	"log/slog"
	"net/http"
	"os"
	"sync/atomic"

	"github.com/harness-sh/harness/bench/pets/pets"
)

type service struct {
	pets.UnimplementedPets
	next atomic.Int64
}

func (s *service) CreatePet(_ context.Context, r pets.CreatePetRequest) (pets.CreatePetResponse, error) {
	p := r.Body
	return pets.CreatePet201JSONResponse{Body: pets.Pet{ID: s.next.Add(1), Name: p.Name, Tag: p.Tag, Age: p.Age, PhotoURLs: p.PhotoURLs}}, nil
}

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	h := pets.NewHandler(&service{}, pets.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	log.Fatal(http.ListenAndServe("127.0.0.1:"+port, h))
}
