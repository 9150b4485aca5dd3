"""Receipt printers, scanners, scales, cash drawer and customer display."""
