{
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
    },
    "users": {
      "name": "users",
      "columns": [
        {
          "name": "id",
          "type": "id",
          "nullable": false,
          "idStrategy": "increment"
        },
        {
          "name": "email",
          "type": "string",
          "nullable": false,
          "length": 255
        },
        {
          "name": "password_hash",
          "type": "string",
          "nullable": false,
          "length": 255
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
      "indexes": [
        {
          "name": "users_email_key",
          "columns": [
            "email"
          ],
          "unique": true
        }
      ]
    },
    "access_tokens": {
      "name": "access_tokens",
      "columns": [
        {
          "name": "id",
          "type": "id",
          "nullable": false,
          "idStrategy": "increment"
        },
        {
          "name": "user_id",
          "type": "integer",
          "nullable": false,
          "references": {
            "name": "access_tokens_user_id_fkey",
            "table": "users",
            "column": "id",
            "onDelete": "cascade"
          }
        },
        {
          "name": "token_hash",
          "type": "string",
          "nullable": false,
          "length": 64
        },
        {
          "name": "abilities",
          "type": "json",
          "nullable": false
        },
        {
          "name": "name",
          "type": "string",
          "nullable": true,
          "length": 200
        },
        {
          "name": "issued_at",
          "type": "timestamp",
          "nullable": false
        },
        {
          "name": "expires_at",
          "type": "timestamp",
          "nullable": false
        },
        {
          "name": "last_used_at",
          "type": "timestamp",
          "nullable": true
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
      "indexes": [
        {
          "name": "access_tokens_user_id_idx",
          "columns": [
            "user_id"
          ],
          "unique": false
        },
        {
          "name": "access_tokens_expires_at_idx",
          "columns": [
            "expires_at"
          ],
          "unique": false
        }
      ]
    }
  }
}
