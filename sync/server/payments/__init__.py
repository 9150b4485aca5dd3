"""Mobile payments at HQ: the merchant keys, the gateway adapters (WeChat Pay, Alipay), every
attempt a terminal asks for and every answer the gateway gave, and a gateway simulator."""
