"""The HQ console: server-rendered pages under /console/ for the campaign office, booth
supervisors and IT (docs/console.md)."""
