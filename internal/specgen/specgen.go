// Package specgen writes large synthetic OpenAPI documents for the
// generator's tests and benchmarks: n resources, each with five CRUD
// operations and a schema mixing the features generators find hard
// (enums, nested objects, arrays, maps, formats, allOf, oneOf, recursion).
package specgen

import (
	"fmt"
	"strings"
)

// Spec returns an OpenAPI 3.0 document with 5*resources operations.
func Spec(resources int) []byte {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo:\n  title: synthetic\n  version: \"1\"\nservers:\n  - url: /v1\npaths:\n")
	for i := 0; i < resources; i++ {
		r := fmt.Sprintf("res%03d", i)
		fmt.Fprintf(&b, `  /%[1]s:
    get:
      operationId: list%[2]s
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
        - {name: cursor, in: query, schema: {type: string}}
        - {name: kind, in: query, schema: {type: array, items: {$ref: "#/components/schemas/Kind"}}}
      responses:
        "200":
          description: a page
          content:
            application/json:
              schema:
                type: object
                required: [items]
                properties:
                  items: {type: array, items: {$ref: "#/components/schemas/%[2]s"}}
                  next: {type: string}
        default:
          description: error
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Problem"}
    post:
      operationId: create%[2]s
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/%[2]s"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/%[2]s"}
        "400":
          description: invalid
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Problem"}
  /%[1]s/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
    get:
      operationId: get%[2]s
      responses:
        "200":
          description: found
          content:
            application/json:
              schema: {$ref: "#/components/schemas/%[2]s"}
        "404":
          description: missing
    put:
      operationId: replace%[2]s
      parameters:
        - {name: If-Match, in: header, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/%[2]s"}
      responses:
        "200":
          description: replaced
          content:
            application/json:
              schema: {$ref: "#/components/schemas/%[2]s"}
    delete:
      operationId: delete%[2]s
      responses:
        "204":
          description: deleted
`, r, strings.ToUpper(r[:1])+r[1:])
	}
	b.WriteString(`components:
  schemas:
    Kind:
      type: string
      enum: [small, medium, large]
    Problem:
      type: object
      required: [message]
      properties:
        message: {type: string}
        fields:
          type: array
          items:
            type: object
            properties:
              name: {type: string}
              reason: {type: string}
    Base:
      type: object
      required: [id]
      properties:
        id: {type: string, format: uuid}
        created: {type: string, format: date-time}
`)
	for i := 0; i < resources; i++ {
		r := fmt.Sprintf("res%03d", i)
		fmt.Fprintf(&b, `    %[1]s:
      allOf:
        - $ref: "#/components/schemas/Base"
        - type: object
          required: [name, size]
          properties:
            name: {type: string, minLength: 1, maxLength: 80, pattern: "^[A-Za-z0-9 ]+$"}
            size: {type: integer, format: int32, minimum: 0, exclusiveMaximum: true, maximum: 1000}
            ratio: {type: number, format: float, multipleOf: 0.5}
            kind: {$ref: "#/components/schemas/Kind"}
            tags: {type: array, maxItems: 20, uniqueItems: true, items: {type: string}}
            labels: {type: object, additionalProperties: {type: string}}
            born: {type: string, format: date}
            contact: {type: string, format: email, nullable: true}
            parent: {$ref: "#/components/schemas/%[1]s"}
            shape:
              oneOf:
                - {type: object, required: [radius], properties: {radius: {type: number}}}
                - {type: object, required: [side], properties: {side: {type: number}}}
`, strings.ToUpper(r[:1])+r[1:])
	}
	return []byte(b.String())
}
