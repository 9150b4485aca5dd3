"""Paper layouts (pure, no device code): receipts, refund slips and Z reports as lines of
text for 58 or 80 mm paper. hardware.escpos and hardware.raster turn them into printer bytes."""
