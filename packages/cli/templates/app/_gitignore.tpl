node_modules/
dist/
data/
coverage/
.env
*.log
