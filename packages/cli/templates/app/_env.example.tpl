# Copy to .env (never commit .env). Variables already set in the environment win.
HOST=127.0.0.1
PORT=3000
{{dbEnv}}
