{
  "version": 1,
  "name": "20250101000000-create-notes",
  "operations": [
    {
      "op": "createTable",
      "table": {
        "name": "notes",
        "columns": [
          {
            "name": "id",
            "type": "id",
            "nullable": false,
            "idStrategy": "increment"
          },
          {
            "name": "text",
            "type": "string",
            "nullable": false,
            "length": 500
          },
          {
            "name": "created_at",
            "type": "timestamp",
            "nullable": false,
            "default": {
              "sql": "now"
            }
          },
          {
            "name": "updated_at",
            "type": "timestamp",
            "nullable": false,
            "default": {
              "sql": "now"
            }
          }
        ],
        "primaryKey": "id",
        "indexes": []
      }
    }
  ],
  "snapshot": {
    "version": 1,
    "tables": {
      "notes": {
        "name": "notes",
        "columns": [
          {
            "name": "id",
            "type": "id",
            "nullable": false,
            "idStrategy": "increment"
          },
          {
            "name": "text",
            "type": "string",
            "nullable": false,
            "length": 500
          },
          {
            "name": "created_at",
            "type": "timestamp",
            "nullable": false,
            "default": {
              "sql": "now"
            }
          },
          {
            "name": "updated_at",
            "type": "timestamp",
            "nullable": false,
            "default": {
              "sql": "now"
            }
          }
        ],
        "primaryKey": "id",
        "indexes": []
      }
    }
  }
}
