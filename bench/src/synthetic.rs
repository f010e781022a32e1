//! Synthetic specs of any size, shaped like Exa's: each operation a cursor-paged list with
//! a path parameter, and its own response and item schemas.

use serde_json::{json, Map};

pub fn spec(operations: usize) -> String {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for i in 0..operations {
        paths.insert(
            format!("/v0/things{i}/{{id}}/items"),
            json!({"get": {
                "operationId": format!("things{i}-items-list"),
                "description": format!("Lists the items of thing {i}."),
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}}
                ],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": format!("#/components/schemas/List{i}")}
                }}}}
            }}),
        );
        schemas.insert(
            format!("Item{i}"),
            json!({"type": ["object"], "required": ["id", "status", "createdAt", "note"], "properties": {
                "id": {"type": ["string"]},
                "status": {"type": ["string"], "enum": ["created", "running", "done"]},
                "createdAt": {"type": ["string"], "format": "date-time"},
                "note": {"type": ["string", "null"]},
                "count": {"type": "integer"}
            }}),
        );
        schemas.insert(
            format!("List{i}"),
            json!({"type": ["object"], "required": ["data", "hasMore", "nextCursor"], "properties": {
                "data": {"type": ["array"], "items": {"$ref": format!("#/components/schemas/Item{i}")}},
                "hasMore": {"type": ["boolean"]},
                "nextCursor": {"type": ["string", "null"]}
            }}),
        );
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Synthetic", "version": "1"},
        "servers": [{"url": "https://api.example.com/"}],
        "paths": paths,
        "components": {"schemas": schemas}
    })
    .to_string()
}
