<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>AmountReasonDialog</name>
    <message>
        <source>Why?</source>
        <translation>Why?</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>OK (Enter)</source>
        <translation>OK (Enter)</translation>
    </message>
    <message>
        <source>Enter the amount first, e.g. 50 or 12.50.</source>
        <translation>Enter the amount first, e.g. 50 or 12.50.</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is not an amount: type 50 or 12.50.</source>
        <translation>&apos;{0}&apos; is not an amount: type 50 or 12.50.</translation>
    </message>
    <message>
        <source>Enter an amount of more than ￥0.00.</source>
        <translation>Enter an amount of more than ￥0.00.</translation>
    </message>
    <message>
        <source>Say why (or pick a reason).</source>
        <translation>Say why (or pick a reason).</translation>
    </message>
</context>
<context>
    <name>CartModel</name>
    <message>
        <source>Product</source>
        <translation>Product</translation>
    </message>
    <message>
        <source>Qty / weight</source>
        <translation>Qty / weight</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Price</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>{0} (−{1})</source>
        <translation>{0} (−{1})</translation>
    </message>
    <message>
        <source>Certificate {0} expired on {1}</source>
        <translation>Certificate {0} expired on {1}</translation>
    </message>
</context>
<context>
    <name>CashMoveDialog</name>
    <message>
        <source>Cash in: put cash into the drawer</source>
        <translation>Cash in: put cash into the drawer</translation>
    </message>
    <message>
        <source>Cash out: take cash out of the drawer</source>
        <translation>Cash out: take cash out of the drawer</translation>
    </message>
    <message>
        <source>How much goes into the drawer, in yuan, and why?</source>
        <translation>How much goes into the drawer, in yuan, and why?</translation>
    </message>
    <message>
        <source>How much comes out of the drawer, in yuan, and why?</source>
        <translation>How much comes out of the drawer, in yuan, and why?</translation>
    </message>
    <message>
        <source>Amount in yuan</source>
        <translation>Amount in yuan</translation>
    </message>
    <message>
        <source>Change from the bank</source>
        <translation>Change from the bank</translation>
    </message>
    <message>
        <source>More float for change</source>
        <translation>More float for change</translation>
    </message>
    <message>
        <source>Banked at noon</source>
        <translation>Banked at noon</translation>
    </message>
    <message>
        <source>Handed to the campaign office</source>
        <translation>Handed to the campaign office</translation>
    </message>
</context>
<context>
    <name>CloseWizard</name>
    <message>
        <source>Close shift</source>
        <translation>Close shift</translation>
    </message>
    <message>
        <source>Count every note and coin in the drawer. What the drawer should hold is shown only after the count.</source>
        <translation>Count every note and coin in the drawer. What the drawer should hold is shown only after the count.</translation>
    </message>
    <message>
        <source>Enter each provider&apos;s settlement total (WeChat Pay, Alipay, bank card terminal, vouchers), or keep the amount shown to accept it.</source>
        <translation>Enter each provider&apos;s settlement total (WeChat Pay, Alipay, bank card terminal, vouchers), or keep the amount shown to accept it.</translation>
    </message>
    <message>
        <source>Tender</source>
        <translation>Tender</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>Expected</translation>
    </message>
    <message>
        <source>Counted</source>
        <translation>Counted</translation>
    </message>
    <message>
        <source>Variance</source>
        <translation>Variance</translation>
    </message>
    <message>
        <source>Change miscounted</source>
        <translation>Change miscounted</translation>
    </message>
    <message>
        <source>A note or coin is missing</source>
        <translation>A note or coin is missing</translation>
    </message>
    <message>
        <source>A customer overpaid</source>
        <translation>A customer overpaid</translation>
    </message>
    <message>
        <source>Wrong tender recorded</source>
        <translation>Wrong tender recorded</translation>
    </message>
    <message>
        <source>Other (say what below)</source>
        <translation>Other (say what below)</translation>
    </message>
    <message>
        <source>Details, e.g. change given twice</source>
        <translation>Details, e.g. change given twice</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Next</translation>
    </message>
    <message>
        <source>Step 1 of 3: count the drawer</source>
        <translation>Step 1 of 3: count the drawer</translation>
    </message>
    <message>
        <source>Step 2 of 3: settlement totals</source>
        <translation>Step 2 of 3: settlement totals</translation>
    </message>
    <message>
        <source>Step 3 of 3: check and close</source>
        <translation>Step 3 of 3: check and close</translation>
    </message>
    <message>
        <source>The shift is closed</source>
        <translation>The shift is closed</translation>
    </message>
    <message>
        <source>Close shift and print Z</source>
        <translation>Close shift and print Z</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>Finish</translation>
    </message>
    <message>
        <source>The count of {0} is not a whole number.</source>
        <translation>The count of {0} is not a whole number.</translation>
    </message>
    <message>
        <source>No shift is open: there is nothing to close.</source>
        <translation>No shift is open: there is nothing to close.</translation>
    </message>
    <message>
        <source>Asking HQ what WeChat Pay and Alipay collected in this shift…</source>
        <translation>Asking HQ what WeChat Pay and Alipay collected in this shift…</translation>
    </message>
    <message>
        <source>WeChat Pay and Alipay are what HQ&apos;s gateways collected in this shift, less the refunds sent back through them: checked with HQ, they cannot be changed here. Explain any difference on the next page.</source>
        <translation>WeChat Pay and Alipay are what HQ&apos;s gateways collected in this shift, less the refunds sent back through them: checked with HQ, they cannot be changed here. Explain any difference on the next page.</translation>
    </message>
    <message>
        <source>HQ cannot confirm WeChat Pay or Alipay now: type the totals from the providers&apos; apps. They are marked unverified on the Z report.</source>
        <translation>HQ cannot confirm WeChat Pay or Alipay now: type the totals from the providers&apos; apps. They are marked unverified on the Z report.</translation>
    </message>
    <message>
        <source>expected {0}</source>
        <translation>expected {0}</translation>
    </message>
    <message>
        <source>{0} (verified by HQ)</source>
        <translation>{0} (verified by HQ)</translation>
    </message>
    <message>
        <source>{0} (unverified)</source>
        <translation>{0} (unverified)</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is not an amount: type 50 or 12.50.</source>
        <translation>&apos;{0}&apos; is not an amount: type 50 or 12.50.</translation>
    </message>
    <message>
        <source>A variance is more than {0}: say why before closing.</source>
        <translation>A variance is more than {0}: say why before closing.</translation>
    </message>
    <message>
        <source>Every variance is within {0}; a note is optional.</source>
        <translation>Every variance is within {0}; a note is optional.</translation>
    </message>
    <message>
        <source>Say why the drawer is off before closing the shift.</source>
        <translation>Say why the drawer is off before closing the shift.</translation>
    </message>
    <message>
        <source>Z report {0} is written and printing. Sales {1} ({2}), refunds {3}; variance {4}. Selling needs a new shift.</source>
        <translation>Z report {0} is written and printing. Sales {1} ({2}), refunds {3}; variance {4}. Selling needs a new shift.</translation>
    </message>
</context>
<context>
    <name>CodeEntry</name>
    <message>
        <source>Scan or type a barcode or PLU</source>
        <translation>Scan or type a barcode or PLU</translation>
    </message>
    <message>
        <source>pcs or g</source>
        <translation>pcs or g</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>Set</source>
        <translation>Set</translation>
    </message>
</context>
<context>
    <name>CountGrid</name>
    <message>
        <source>Counted: {0}</source>
        <translation>Counted: {0}</translation>
    </message>
</context>
<context>
    <name>CountPage</name>
    <message>
        <source>Start count</source>
        <translation>Start count</translation>
    </message>
    <message>
        <source>Count:</source>
        <translation>Count:</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>Product</translation>
    </message>
    <message>
        <source>At the start</source>
        <translation>At the start</translation>
    </message>
    <message>
        <source>Counted</source>
        <translation>Counted</translation>
    </message>
    <message>
        <source>Variance</source>
        <translation>Variance</translation>
    </message>
    <message>
        <source>Finish count…</source>
        <translation>Finish count…</translation>
    </message>
    <message>
        <source>The whole booth</source>
        <translation>The whole booth</translation>
    </message>
    <message>
        <source>No count is in progress. Start one: cashiers keep selling while you count.</source>
        <translation>No count is in progress. Start one: cashiers keep selling while you count.</translation>
    </message>
    <message>
        <source>the whole booth</source>
        <translation>the whole booth</translation>
    </message>
    <message>
        <source>Counting {0} since {1} ({2}): {3} of {4} products counted. Sales since the start are accounted for.</source>
        <translation>Counting {0} since {1} ({2}): {3} of {4} products counted. Sales since the start are accounted for.</translation>
    </message>
    <message>
        <source>g</source>
        <translation>g</translation>
    </message>
    <message>
        <source>pcs</source>
        <translation>pcs</translation>
    </message>
    <message>
        <source>The count started: the snapshot is taken.</source>
        <translation>The count started: the snapshot is taken.</translation>
    </message>
    <message>
        <source>{0}: {1} counted</source>
        <translation>{0}: {1} counted</translation>
    </message>
    <message>
        <source>finish the count and adjust stock by its variances</source>
        <translation>finish the count and adjust stock by its variances</translation>
    </message>
    <message>
        <source>Count finished (entry {0}): {1} products, variance {2:+}.</source>
        <translation>Count finished (entry {0}): {1} products, variance {2:+}.</translation>
    </message>
</context>
<context>
    <name>DeliveriesPage</name>
    <message>
        <source>Product</source>
        <translation>Product</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>Expected</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>All arrived as expected</source>
        <translation>All arrived as expected</translation>
    </message>
    <message>
        <source>Confirm check-in…</source>
        <translation>Confirm check-in…</translation>
    </message>
    <message>
        <source>short</source>
        <translation>short</translation>
    </message>
    <message>
        <source>damaged</source>
        <translation>damaged</translation>
    </message>
    <message>
        <source>extra</source>
        <translation>extra</translation>
    </message>
    <message>
        <source>Transfer from {0}
{1} · {2} products</source>
        <translation>Transfer from {0}
{1} · {2} products</translation>
    </message>
    <message>
        <source>HQ delivery {0}
{1} · {2} products</source>
        <translation>HQ delivery {0}
{1} · {2} products</translation>
    </message>
    <message>
        <source>No deliveries are expected. HQ&apos;s deliveries and other booths&apos; transfers appear here after a sync.</source>
        <translation>No deliveries are expected. HQ&apos;s deliveries and other booths&apos; transfers appear here after a sync.</translation>
    </message>
    <message>
        <source>Scan each product as it is unpacked; weighed goods go on the scale (or tap their line). Then confirm.</source>
        <translation>Scan each product as it is unpacked; weighed goods go on the scale (or tap their line). Then confirm.</translation>
    </message>
    <message>
        <source>g</source>
        <translation>g</translation>
    </message>
    <message>
        <source>pcs</source>
        <translation>pcs</translation>
    </message>
    <message>
        <source>Why?</source>
        <translation>Why?</translation>
    </message>
    <message>
        <source>{0}: {1} of {2} {3} received</source>
        <translation>{0}: {1} of {2} {3} received</translation>
    </message>
    <message>
        <source>check the delivery in and move its stock</source>
        <translation>check the delivery in and move its stock</translation>
    </message>
    <message>
        <source>Checked in: {0} received of {1} expected (entry {2}).</source>
        <translation>Checked in: {0} received of {1} expected (entry {2}).</translation>
    </message>
</context>
<context>
    <name>HeldSalesDialog</name>
    <message>
        <source>Held sales</source>
        <translation>Held sales</translation>
    </message>
    <message>
        <source>Held sales: choose one to resume</source>
        <translation>Held sales: choose one to resume</translation>
    </message>
    <message>
        <source>Held at</source>
        <translation>Held at</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>Lines</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>Paid by phone</source>
        <translation>Paid by phone</translation>
    </message>
    <message>
        <source>Cashier</source>
        <translation>Cashier</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>Resume (Enter)</source>
        <translation>Resume (Enter)</translation>
    </message>
</context>
<context>
    <name>KeypadDialog</name>
    <message>
        <source>Cancel (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>OK (Enter)</source>
        <translation>OK (Enter)</translation>
    </message>
    <message>
        <source>Enter a whole number from 1 to {0}.</source>
        <translation>Enter a whole number from 1 to {0}.</translation>
    </message>
    <message>
        <source>{0} is unusually many: check it, then press OK again to confirm.</source>
        <translation>{0} is unusually many: check it, then press OK again to confirm.</translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message>
        <source>Booth POS · {0}</source>
        <translation>Booth POS · {0}</translation>
    </message>
    <message>
        <source>Who is selling?</source>
        <translation>Who is selling?</translation>
    </message>
    <message>
        <source>or type your name</source>
        <translation>or type your name</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>Log in (Enter)</source>
        <translation>Log in (Enter)</translation>
    </message>
    <message>
        <source>Choose your name first.</source>
        <translation>Choose your name first.</translation>
    </message>
</context>
<context>
    <name>LowStockPage</name>
    <message>
        <source>Product</source>
        <translation>Product</translation>
    </message>
    <message>
        <source>On hand</source>
        <translation>On hand</translation>
    </message>
    <message>
        <source>Minimum</source>
        <translation>Minimum</translation>
    </message>
    <message>
        <source>Set by</source>
        <translation>Set by</translation>
    </message>
    <message>
        <source>{0} products are below their minimum.</source>
        <translation>{0} products are below their minimum.</translation>
    </message>
    <message>
        <source>Nothing is below its minimum.</source>
        <translation>Nothing is below its minimum.</translation>
    </message>
    <message>
        <source>g</source>
        <translation>g</translation>
    </message>
    <message>
        <source>pcs</source>
        <translation>pcs</translation>
    </message>
    <message>
        <source>HQ</source>
        <translation>HQ</translation>
    </message>
    <message>
        <source>this booth</source>
        <translation>this booth</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Booth POS · {0}</source>
        <translation>Booth POS · {0}</translation>
    </message>
    <message>
        <source>open since {0} ({1})</source>
        <translation>open since {0} ({1})</translation>
    </message>
    <message>
        <source>open the manager screen</source>
        <translation>open the manager screen</translation>
    </message>
    <message>
        <source>Finish or cancel the sale in progress before closing the shift.</source>
        <translation>Finish or cancel the sale in progress before closing the shift.</translation>
    </message>
    <message>
        <source>Finish or cancel the sale in progress before a refund.</source>
        <translation>Finish or cancel the sale in progress before a refund.</translation>
    </message>
    <message>
        <source>Refunded {0}: give back {1}; {2} goes back to the customer&apos;s account through HQ (Manager, Mobile refunds).</source>
        <translation>Refunded {0}: give back {1}; {2} goes back to the customer&apos;s account through HQ (Manager, Mobile refunds).</translation>
    </message>
    <message>
        <source>Refunded {0}: {1} goes back to the customer&apos;s account through HQ, even if this till is offline now (Manager, Mobile refunds).</source>
        <translation>Refunded {0}: {1} goes back to the customer&apos;s account through HQ, even if this till is offline now (Manager, Mobile refunds).</translation>
    </message>
    <message>
        <source>Refunded {0}: give back {1}.</source>
        <translation>Refunded {0}: give back {1}.</translation>
    </message>
    <message>
        <source>Finish the payment (or go back) before scanning products.</source>
        <translation>Finish the payment (or go back) before scanning products.</translation>
    </message>
    <message>
        <source>Scanned {0}, not used: log in first, then scan.</source>
        <translation>Scanned {0}, not used: log in first, then scan.</translation>
    </message>
    <message>
        <source>Scanned {0}, not used: go back to the sale screen to sell.</source>
        <translation>Scanned {0}, not used: go back to the sale screen to sell.</translation>
    </message>
    <message>
        <source>A sale of {0} paid by phone ({1}) was not finished before the till stopped: it is back in the held sales, to finish or to refund.</source>
        <translation>A sale of {0} paid by phone ({1}) was not finished before the till stopped: it is back in the held sales, to finish or to refund.</translation>
    </message>
    <message>
        <source>Printing a copy of the last receipt.</source>
        <translation>Printing a copy of the last receipt.</translation>
    </message>
    <message>
        <source>The last receipt has not printed yet: trying the printer again.</source>
        <translation>The last receipt has not printed yet: trying the printer again.</translation>
    </message>
    <message>
        <source>open the cash drawer</source>
        <translation>open the cash drawer</translation>
    </message>
    <message>
        <source>Drawer opened.</source>
        <translation>Drawer opened.</translation>
    </message>
    <message>
        <source>The drawer did not open: {0}</source>
        <translation>The drawer did not open: {0}</translation>
    </message>
    <message>
        <source>Serial scanner: {0}</source>
        <translation>Serial scanner: {0}</translation>
    </message>
    <message>
        <source>Customer display: {0}</source>
        <translation>Customer display: {0}</translation>
    </message>
</context>
<context>
    <name>ManagerApproval</name>
    <message>
        <source>Manager approval</source>
        <translation>Manager approval</translation>
    </message>
    <message>
        <source>A manager must approve: {0}</source>
        <translation>A manager must approve: {0}</translation>
    </message>
    <message>
        <source>This terminal has no manager: ask IT to add one.</source>
        <translation>This terminal has no manager: ask IT to add one.</translation>
    </message>
    <message>
        <source>Manager PIN</source>
        <translation>Manager PIN</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>Approve (Enter)</source>
        <translation>Approve (Enter)</translation>
    </message>
    <message>
        <source>Choose the manager first.</source>
        <translation>Choose the manager first.</translation>
    </message>
    <message>
        <source>{0} is not a manager.</source>
        <translation>{0} is not a manager.</translation>
    </message>
</context>
<context>
    <name>ManagerScreen</name>
    <message>
        <source>Open shift…</source>
        <translation>Open shift…</translation>
    </message>
    <message>
        <source>Cash in…</source>
        <translation>Cash in…</translation>
    </message>
    <message>
        <source>Cash out…</source>
        <translation>Cash out…</translation>
    </message>
    <message>
        <source>Close shift…</source>
        <translation>Close shift…</translation>
    </message>
    <message>
        <source>Back to selling (Esc)</source>
        <translation>Back to selling (Esc)</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>Figure</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>Tender</source>
        <translation>Tender</translation>
    </message>
    <message>
        <source>In the shift</source>
        <translation>In the shift</translation>
    </message>
    <message>
        <source>X report</source>
        <translation>X report</translation>
    </message>
    <message>
        <source>Sales by hour</source>
        <translation>Sales by hour</translation>
    </message>
    <message>
        <source>Sales by tender</source>
        <translation>Sales by tender</translation>
    </message>
    <message>
        <source>Top products</source>
        <translation>Top products</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>Charts</translation>
    </message>
    <message>
        <source>Print a copy</source>
        <translation>Print a copy</translation>
    </message>
    <message>
        <source>Z reports</source>
        <translation>Z reports</translation>
    </message>
    <message>
        <source>Mobile refunds</source>
        <translation>Mobile refunds</translation>
    </message>
    <message>
        <source>Stock</source>
        <translation>Stock</translation>
    </message>
    <message>
        <source>Manager: {0}</source>
        <translation>Manager: {0}</translation>
    </message>
    <message>
        <source>Shift open since {0} (opened by {1}, float {2})</source>
        <translation>Shift open since {0} (opened by {1}, float {2})</translation>
    </message>
    <message>
        <source>No shift is open: selling needs a new shift.</source>
        <translation>No shift is open: selling needs a new shift.</translation>
    </message>
    <message>
        <source>Sales</source>
        <translation>Sales</translation>
    </message>
    <message>
        <source>Sales amount</source>
        <translation>Sales amount</translation>
    </message>
    <message>
        <source>Refunds ({0})</source>
        <translation>Refunds ({0})</translation>
    </message>
    <message>
        <source>Voided sales ({0})</source>
        <translation>Voided sales ({0})</translation>
    </message>
    <message>
        <source>Net sales</source>
        <translation>Net sales</translation>
    </message>
    <message>
        <source>Discounts given</source>
        <translation>Discounts given</translation>
    </message>
    <message>
        <source>Cash rounding</source>
        <translation>Cash rounding</translation>
    </message>
    <message>
        <source>Price changes</source>
        <translation>Price changes</translation>
    </message>
    <message>
        <source>Lines voided before payment ({0})</source>
        <translation>Lines voided before payment ({0})</translation>
    </message>
    <message>
        <source>Float</source>
        <translation>Float</translation>
    </message>
    <message>
        <source>Cash in</source>
        <translation>Cash in</translation>
    </message>
    <message>
        <source>Cash out</source>
        <translation>Cash out</translation>
    </message>
    <message>
        <source>Cash the drawer should hold</source>
        <translation>Cash the drawer should hold</translation>
    </message>
    <message>
        <source>Supplier: {0}</source>
        <translation>Supplier: {0}</translation>
    </message>
    <message>
        <source>County: {0}</source>
        <translation>County: {0}</translation>
    </message>
    <message>
        <source>No sales in this shift yet.</source>
        <translation>No sales in this shift yet.</translation>
    </message>
    <message>
        <source>No shift is open.</source>
        <translation>No shift is open.</translation>
    </message>
    <message>
        <source>{0}  {1}
sales {2}  variance {3}</source>
        <translation>{0}  {1}
sales {2}  variance {3}</translation>
    </message>
    <message>
        <source>No shift has been closed on this terminal yet.</source>
        <translation>No shift has been closed on this terminal yet.</translation>
    </message>
    <message>
        <source>The shift is open.</source>
        <translation>The shift is open.</translation>
    </message>
    <message>
        <source>Cash movement recorded.</source>
        <translation>Cash movement recorded.</translation>
    </message>
    <message>
        <source>{0} lines, {1}</source>
        <translation>{0} lines, {1}</translation>
    </message>
    <message>
        <source>Held sales</source>
        <translation>Held sales</translation>
    </message>
    <message>
        <source>{0} held sale(s) are still waiting. They are not sales: nothing of them is in the Z.</source>
        <translation>{0} held sale(s) are still waiting. They are not sales: nothing of them is in the Z.</translation>
    </message>
    <message>
        <source>Keep them and close</source>
        <translation>Keep them and close</translation>
    </message>
    <message>
        <source>Discard them and close</source>
        <translation>Discard them and close</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>{0} held sale(s) discarded.</source>
        <translation>{0} held sale(s) discarded.</translation>
    </message>
    <message>
        <source>The shift is closed; the Z report is printing.</source>
        <translation>The shift is closed; the Z report is printing.</translation>
    </message>
    <message>
        <source>Printing a copy of the Z report.</source>
        <translation>Printing a copy of the Z report.</translation>
    </message>
</context>
<context>
    <name>MobilePayDialog</name>
    <message>
        <source>Mobile payment</source>
        <translation>Mobile payment</translation>
    </message>
    <message>
        <source>Ask the customer to confirm on their phone</source>
        <translation>Ask the customer to confirm on their phone</translation>
    </message>
    <message>
        <source>Code {0}</source>
        <translation>Code {0}</translation>
    </message>
    <message>
        <source>Cancel payment (Esc)</source>
        <translation>Cancel payment (Esc)</translation>
    </message>
    <message>
        <source>{0} s</source>
        <translation>{0} s</translation>
    </message>
    <message>
        <source>Cancelling the payment with HQ…</source>
        <translation>Cancelling the payment with HQ…</translation>
    </message>
</context>
<context>
    <name>MobileRefundsView</name>
    <message>
        <source>Pending</source>
        <translation>Pending</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>{0} went back to the customer&apos;s {1} account; it arrives in 1-3 working days.</source>
        <translation>{0} went back to the customer&apos;s {1} account; it arrives in 1-3 working days.</translation>
    </message>
    <message>
        <source>HQ returns {0} to the customer&apos;s {1} account once this till has synced.</source>
        <translation>HQ returns {0} to the customer&apos;s {1} account once this till has synced.</translation>
    </message>
    <message>
        <source>HQ has no paid payment to return it from</source>
        <translation>HQ has no paid payment to return it from</translation>
    </message>
    <message>
        <source>{0} refused the refund</source>
        <translation>{0} refused the refund</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>no reason given</translation>
    </message>
    <message>
        <source>{0}: the customer has not got {1} back. Give it back in cash with Cash out, naming refund {2} as the reason, and tell HQ.</source>
        <translation>{0}: the customer has not got {1} back. Give it back in cash with Cash out, naming refund {2} as the reason, and tell HQ.</translation>
    </message>
    <message>
        <source>Refund</source>
        <translation>Refund</translation>
    </message>
    <message>
        <source>Tender</source>
        <translation>Tender</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>State</source>
        <translation>State</translation>
    </message>
    <message>
        <source>What happens</source>
        <translation>What happens</translation>
    </message>
    <message>
        <source>{0} mobile refund(s) failed: the customer has not got that money back. See what to do beside each one.</source>
        <translation>{0} mobile refund(s) failed: the customer has not got that money back. See what to do beside each one.</translation>
    </message>
</context>
<context>
    <name>OpenShiftDialog</name>
    <message>
        <source>Open shift</source>
        <translation>Open shift</translation>
    </message>
    <message>
        <source>Count the float you put into the drawer, note by note.</source>
        <translation>Count the float you put into the drawer, note by note.</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>The count of {0} is not a whole number.</source>
        <translation>The count of {0} is not a whole number.</translation>
    </message>
</context>
<context>
    <name>PaymentDialog</name>
    <message>
        <source>Payment</source>
        <translation>Payment</translation>
    </message>
    <message>
        <source>Remove payment</source>
        <translation>Remove payment</translation>
    </message>
    <message>
        <source>Amount in yuan, e.g. 50 or 12.50</source>
        <translation>Amount in yuan, e.g. 50 or 12.50</translation>
    </message>
    <message>
        <source>Reference (scan the payment code)</source>
        <translation>Reference (scan the payment code)</translation>
    </message>
    <message>
        <source>Back (Esc)</source>
        <translation>Back (Esc)</translation>
    </message>
    <message>
        <source>Add payment</source>
        <translation>Add payment</translation>
    </message>
    <message>
        <source>Finish (Enter)</source>
        <translation>Finish (Enter)</translation>
    </message>
    <message>
        <source>Exact</source>
        <translation>Exact</translation>
    </message>
    <message>
        <source>Due {0}</source>
        <translation>Due {0}</translation>
    </message>
    <message>
        <source>Cash rounding {0}: {1} to pay</source>
        <translation>Cash rounding {0}: {1} to pay</translation>
    </message>
    <message>
        <source>Change due</source>
        <translation>Change due</translation>
    </message>
    <message>
        <source>Still to pay</source>
        <translation>Still to pay</translation>
    </message>
    <message>
        <source>A mobile payment is already waiting for the customer.</source>
        <translation>A mobile payment is already waiting for the customer.</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is not an amount: type 50 or 12.50.</source>
        <translation>&apos;{0}&apos; is not an amount: type 50 or 12.50.</translation>
    </message>
    <message>
        <source>Scan or type the reference for {0}.</source>
        <translation>Scan or type the reference for {0}.</translation>
    </message>
    <message>
        <source>Nothing is left to pay: press Finish.</source>
        <translation>Nothing is left to pay: press Finish.</translation>
    </message>
    <message>
        <source>Only cash can be more than what is due.</source>
        <translation>Only cash can be more than what is due.</translation>
    </message>
    <message>
        <source>HQ has not cancelled the payment yet: try again.</source>
        <translation>HQ has not cancelled the payment yet: try again.</translation>
    </message>
    <message>
        <source>Payments taken</source>
        <translation>Payments taken</translation>
    </message>
    <message>
        <source>Already taken: {0}. Going back drops them: give cash back, and refund a mobile payment to the customer. Go back anyway?</source>
        <translation>Already taken: {0}. Going back drops them: give cash back, and refund a mobile payment to the customer. Go back anyway?</translation>
    </message>
    <message>
        <source>Drop them and go back</source>
        <translation>Drop them and go back</translation>
    </message>
    <message>
        <source>Keep paying (Esc)</source>
        <translation>Keep paying (Esc)</translation>
    </message>
    <message>
        <source>{0} still to pay.</source>
        <translation>{0} still to pay.</translation>
    </message>
    <message>
        <source>Cash</source>
        <extracomment>The language the screens are in now (set by ``Languages.use``): product names follow it.</extracomment>
        <translation>Cash</translation>
    </message>
    <message>
        <source>WeChat Pay</source>
        <translation>WeChat Pay</translation>
    </message>
    <message>
        <source>Alipay</source>
        <translation>Alipay</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>Card</translation>
    </message>
    <message>
        <source>Voucher</source>
        <translation>Voucher</translation>
    </message>
</context>
<context>
    <name>PriceDialog</name>
    <message>
        <source>Change price</source>
        <translation>Change price</translation>
    </message>
    <message>
        <source>per kg</source>
        <translation>per kg</translation>
    </message>
    <message>
        <source>per piece</source>
        <translation>per piece</translation>
    </message>
    <message>
        <source>New price of {0} ({1}); now {2}.</source>
        <translation>New price of {0} ({1}); now {2}.</translation>
    </message>
    <message>
        <source>Price in yuan, e.g. 9.90</source>
        <translation>Price in yuan, e.g. 9.90</translation>
    </message>
    <message>
        <source>Near its best-before date</source>
        <translation>Near its best-before date</translation>
    </message>
    <message>
        <source>Damaged packaging</source>
        <translation>Damaged packaging</translation>
    </message>
    <message>
        <source>Shelf label shows another price</source>
        <translation>Shelf label shows another price</translation>
    </message>
    <message>
        <source>Campaign special offer</source>
        <translation>Campaign special offer</translation>
    </message>
</context>
<context>
    <name>ReceiptPreview</name>
    <message>
        <source>Receipt</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Change</translation>
    </message>
    <message>
        <source>Paid in full</source>
        <translation>Paid in full</translation>
    </message>
    <message>
        <source>Next customer (Enter)</source>
        <translation>Next customer (Enter)</translation>
    </message>
</context>
<context>
    <name>RefundDialog</name>
    <message>
        <source>Refund</source>
        <translation>Refund</translation>
    </message>
    <message>
        <source>Receipt no.</source>
        <translation>Receipt no.</translation>
    </message>
    <message>
        <source>e.g. {0}</source>
        <translation>e.g. {0}</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>Find</translation>
    </message>
    <message>
        <source>Last sale</source>
        <translation>Last sale</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>Product</translation>
    </message>
    <message>
        <source>Sold</source>
        <translation>Sold</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>Paid</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>Return</source>
        <translation>Return</translation>
    </message>
    <message>
        <source>Give back by</source>
        <translation>Give back by</translation>
    </message>
    <message>
        <source>Why?</source>
        <translation>Why?</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Quality problem</source>
        <translation>Quality problem</translation>
    </message>
    <message>
        <source>Customer changed their mind</source>
        <translation>Customer changed their mind</translation>
    </message>
    <message>
        <source>Weighed wrongly</source>
        <translation>Weighed wrongly</translation>
    </message>
    <message>
        <source>Rung up by mistake</source>
        <translation>Rung up by mistake</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>Close (Esc)</translation>
    </message>
    <message>
        <source>Void whole sale</source>
        <translation>Void whole sale</translation>
    </message>
    <message>
        <source>Refund chosen items</source>
        <translation>Refund chosen items</translation>
    </message>
    <message>
        <source>No sale has been made on this terminal yet.</source>
        <translation>No sale has been made on this terminal yet.</translation>
    </message>
    <message>
        <source>Type the receipt number printed on the receipt.</source>
        <translation>Type the receipt number printed on the receipt.</translation>
    </message>
    <message>
        <source>Receipt {0}, {1}, cashier {2}: {3}</source>
        <translation>Receipt {0}, {1}, cashier {2}: {3}</translation>
    </message>
    <message>
        <source>{0} {1} {2}: {3}</source>
        <translation>{0} {1} {2}: {3}</translation>
    </message>
    <message>
        <source> (whole line)</source>
        <translation> (whole line)</translation>
    </message>
    <message>
        <source>Everything on this receipt was already refunded.</source>
        <translation>Everything on this receipt was already refunded.</translation>
    </message>
    <message>
        <source>Choose how many of which items come back.</source>
        <translation>Choose how many of which items come back.</translation>
    </message>
    <message>
        <source>refund {0}</source>
        <translation>refund {0}</translation>
    </message>
    <message>
        <source>void sale {0}</source>
        <translation>void sale {0}</translation>
    </message>
    <message>
        <source>Say why (or pick a reason) before asking the manager.</source>
        <translation>Say why (or pick a reason) before asking the manager.</translation>
    </message>
</context>
<context>
    <name>SaleScreen</name>
    <message>
        <source>No shift is open: a manager opens one with its float (Manager, F10).</source>
        <extracomment>A quantity above this asks the cashier to confirm it (a slip of the finger: 112 for 12).</extracomment>
        <translation>No shift is open: a manager opens one with its float (Manager, F10).</translation>
    </message>
    <message>
        <source>− (-)</source>
        <translation>− (-)</translation>
    </message>
    <message>
        <source>+ (+)</source>
        <translation>+ (+)</translation>
    </message>
    <message>
        <source>Quantity…</source>
        <translation>Quantity…</translation>
    </message>
    <message>
        <source>Weight…</source>
        <translation>Weight…</translation>
    </message>
    <message>
        <source>Void line (Del)</source>
        <translation>Void line (Del)</translation>
    </message>
    <message>
        <source>Cancel sale (Esc)</source>
        <translation>Cancel sale (Esc)</translation>
    </message>
    <message>
        <source>Discount…</source>
        <translation>Discount…</translation>
    </message>
    <message>
        <source>Change price…</source>
        <translation>Price…</translation>
    </message>
    <message>
        <source>Hold (F7)</source>
        <translation>Hold (F7)</translation>
    </message>
    <message>
        <source>Held (F8)</source>
        <translation>Held (F8)</translation>
    </message>
    <message>
        <source>Search (F2): code, PLU, name, pinyin</source>
        <translation>Search (F2): code, PLU, name, pinyin</translation>
    </message>
    <message>
        <source>Reprint receipt (F6)</source>
        <translation>Reprint (F6)</translation>
    </message>
    <message>
        <source>Open drawer</source>
        <translation>Open drawer</translation>
    </message>
    <message>
        <source>Refund…</source>
        <translation>Refund…</translation>
    </message>
    <message>
        <source>Manager (F10)</source>
        <translation>Manager (F10)</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Log out</translation>
    </message>
    <message>
        <source>Pay (F9)</source>
        <translation>Pay (F9)</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Other</translation>
    </message>
    <message>
        <source>{0} line(s)</source>
        <translation>{0} line(s)</translation>
    </message>
    <message>
        <source>Nothing found</source>
        <translation>Nothing found</translation>
    </message>
    <message>
        <source>{0} is weighed: enter its weight instead.</source>
        <translation>{0} is weighed: enter its weight instead.</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>Quantity</translation>
    </message>
    <message>
        <source>How many of {0}?</source>
        <translation>How many of {0}?</translation>
    </message>
    <message>
        <source>Choose a product sold by weight (quick keys or search).</source>
        <translation>Choose a product sold by weight (quick keys or search).</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>Weight</translation>
    </message>
    <message>
        <source>Weight of {0} in grams</source>
        <translation>Weight of {0} in grams</translation>
    </message>
    <message>
        <source>Discount</source>
        <translation>Discount</translation>
    </message>
    <message>
        <source>Discount on {0} ({1}) in 折, the share the customer pays: 8 = 8折 (pays 80 %, 20 % off), 85 = 85折 (pays 85 %).</source>
        <translation>Discount on {0} ({1}) in 折, the share the customer pays: 8 = 8折 (pays 80 %, 20 % off), 85 = 85折 (pays 85 %).</translation>
    </message>
    <message>
        <source>Low stock ({0}): {1}</source>
        <translation>Low stock ({0}): {1}</translation>
    </message>
    <message>
        <source>The cart is empty: there is nothing to hold.</source>
        <translation>The cart is empty: there is nothing to hold.</translation>
    </message>
    <message>
        <source>Sale held ({0} lines, {1}): F8 takes it back.</source>
        <translation>Sale held ({0} lines, {1}): F8 takes it back.</translation>
    </message>
    <message>
        <source>No sale is held.</source>
        <translation>No sale is held.</translation>
    </message>
    <message>
        <source>Held (F8): {0}</source>
        <translation>Held (F8): {0}</translation>
    </message>
    <message>
        <source>{0}% off</source>
        <translation>{0}% off</translation>
    </message>
    <message>
        <source>change the price to {0}</source>
        <translation>change the price to {0}</translation>
    </message>
    <message>
        <source>This shift was opened on {0}: a manager should close it (Manager, F10) and open today&apos;s.</source>
        <translation>This shift was opened on {0}: a manager should close it (Manager, F10) and open today&apos;s.</translation>
    </message>
    <message>
        <source>Cancel sale</source>
        <translation>Cancel sale</translation>
    </message>
    <message>
        <source>Cancel this sale and clear all {0} line(s)?</source>
        <translation>Cancel this sale and clear all {0} line(s)?</translation>
    </message>
    <message>
        <source>Keep selling</source>
        <translation>Keep selling</translation>
    </message>
</context>
<context>
    <name>SaleSession</name>
    <message>
        <source>Certificate {0} of {1} expired on {2}: tell the booth manager.</source>
        <extracomment>Write a receipt print job with every sale (the window&apos;s print queue prints it).</extracomment>
        <translation>Certificate {0} of {1} expired on {2}: tell the booth manager.</translation>
    </message>
    <message>
        <source>This sale is already paid by phone: finish it, or remove the payment in Payment (the customer gets it back) before cancelling.</source>
        <translation>This sale is already paid by phone: finish it, or remove the payment in Payment (the customer gets it back) before cancelling.</translation>
    </message>
    <message>
        <source>Hold or finish the sale in progress before resuming another.</source>
        <translation>Hold or finish the sale in progress before resuming another.</translation>
    </message>
    <message>
        <source>Log in before selling.</source>
        <translation>Log in before selling.</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Cashier: {0}</source>
        <translation>Cashier: {0}</translation>
    </message>
    <message>
        <source>Not logged in</source>
        <translation>Not logged in</translation>
    </message>
    <message>
        <source>Shift: {0}</source>
        <translation>Shift: {0}</translation>
    </message>
    <message>
        <source>Shift: none</source>
        <translation>Shift: none</translation>
    </message>
    <message>
        <source>not enrolled</source>
        <translation>not enrolled</translation>
    </message>
    <message>
        <source>online</source>
        <translation>online</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>Sync: {0} · {1} unsynced</source>
        <translation>Sync: {0} · {1} unsynced</translation>
    </message>
    <message>
        <source>last {0}</source>
        <translation>last {0}</translation>
    </message>
    <message>
        <source>SELLING STOPPED: {0}</source>
        <translation>SELLING STOPPED: {0}</translation>
    </message>
    <message>
        <source>SYNC STOPPED: {0} Call HQ.</source>
        <translation>SYNC STOPPED: {0} Call HQ.</translation>
    </message>
    <message>
        <source>MOBILE PAYMENTS STOPPED: {0} earlier payment(s) not settled with HQ yet</source>
        <translation>MOBILE PAYMENTS STOPPED: {0} earlier payment(s) not settled with HQ yet</translation>
    </message>
    <message>
        <source>Clock is {0} min off the server&apos;s: ask IT to fix it</source>
        <translation>Clock is {0} min off the server&apos;s: ask IT to fix it</translation>
    </message>
    <message>
        <source>no answer in time</source>
        <translation>no answer in time</translation>
    </message>
    <message>
        <source>no connection</source>
        <translation>no connection</translation>
    </message>
    <message>
        <source>network error</source>
        <translation>network error</translation>
    </message>
    <message>
        <source>Printer: starting</source>
        <translation>Printer: starting</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>ready</translation>
    </message>
    <message>
        <source>connected (no status)</source>
        <translation>connected (no status)</translation>
    </message>
    <message>
        <source>OUT OF PAPER</source>
        <translation>OUT OF PAPER</translation>
    </message>
    <message>
        <source>COVER OPEN</source>
        <translation>COVER OPEN</translation>
    </message>
    <message>
        <source>ERROR</source>
        <translation>ERROR</translation>
    </message>
    <message>
        <source>NOT CONNECTED</source>
        <translation>NOT CONNECTED</translation>
    </message>
    <message>
        <source>Printer: preview only</source>
        <translation>Printer: preview only</translation>
    </message>
    <message>
        <source>paper low</source>
        <translation>paper low</translation>
    </message>
    <message>
        <source>{0} receipt(s) waiting</source>
        <translation>{0} receipt(s) waiting</translation>
    </message>
    <message>
        <source>Printer: {0}</source>
        <translation>Printer: {0}</translation>
    </message>
</context>
<context>
    <name>StockTab</name>
    <message>
        <source>Deliveries</source>
        <translation>Deliveries</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Count</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>Transfer</translation>
    </message>
    <message>
        <source>Low stock</source>
        <translation>Low stock</translation>
    </message>
</context>
<context>
    <name>TransferPage</name>
    <message>
        <source>To booth (HQ id):</source>
        <translation>To booth (HQ id):</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>Product</translation>
    </message>
    <message>
        <source>To send</source>
        <translation>To send</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>Send transfer…</source>
        <translation>Send transfer…</translation>
    </message>
    <message>
        <source>Give a quantity of 1 or more.</source>
        <translation>Give a quantity of 1 or more.</translation>
    </message>
    <message>
        <source>send these goods to another booth</source>
        <translation>send these goods to another booth</translation>
    </message>
    <message>
        <source>Transfer {0} sent to {1} (entry {2}).</source>
        <translation>Transfer {0} sent to {1} (entry {2}).</translation>
    </message>
</context>
<context>
    <name>WeighDialog</name>
    <message>
        <source>Weigh {0}</source>
        <translation>Weigh {0}</translation>
    </message>
    <message>
        <source>{0} per kg</source>
        <translation>{0} per kg</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Price</translation>
    </message>
    <message>
        <source>Zero</source>
        <translation>Zero</translation>
    </message>
    <message>
        <source>Tare</source>
        <translation>Tare</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>Add (Enter)</source>
        <translation>Add (Enter)</translation>
    </message>
    <message>
        <source>Type grams…</source>
        <translation>Type grams…</translation>
    </message>
    <message>
        <source>Net weight</source>
        <translation>Net weight</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>Weight</translation>
    </message>
    <message>
        <source>Clear tare</source>
        <translation>Clear tare</translation>
    </message>
    <message>
        <source>Waiting for the scale…</source>
        <translation>Waiting for the scale…</translation>
    </message>
    <message>
        <source>The scale is not answering: check its cable and power.</source>
        <translation>The scale is not answering: check its cable and power.</translation>
    </message>
    <message>
        <source>Over capacity</source>
        <translation>Over capacity</translation>
    </message>
    <message>
        <source>Below zero: press Zero</source>
        <translation>Below zero: press Zero</translation>
    </message>
    <message>
        <source>Moving: wait for the weight to settle</source>
        <translation>Moving: wait for the weight to settle</translation>
    </message>
    <message>
        <source>Stable</source>
        <translation>Stable</translation>
    </message>
    <message>
        <source>Zero needs a steady scale: wait, then press Zero.</source>
        <translation>Zero needs a steady scale: wait, then press Zero.</translation>
    </message>
    <message>
        <source>Tare needs a steady weight: put the container on and wait.</source>
        <translation>Tare needs a steady weight: put the container on and wait.</translation>
    </message>
</context>
<context>
    <name>Weighing</name>
    <message>
        <source>No scale is set up on this terminal (IT sets scale.port in booth.toml): weigh {0} on another scale and type the grams.</source>
        <translation>No scale is set up on this terminal (IT sets scale.port in booth.toml): weigh {0} on another scale and type the grams.</translation>
    </message>
    <message>
        <source>The scale is not answering: weigh {0} on another scale and type the grams.</source>
        <translation>The scale is not answering: weigh {0} on another scale and type the grams.</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>Weight</translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <source>&apos;{terminal_id}&apos; is not a terminal id: use up to 32 letters, digits, - or _.</source>
        <translation>&apos;{terminal_id}&apos; is not a terminal id: use up to 32 letters, digits, - or _.</translation>
    </message>
    <message>
        <source>A PIN is {low} to {high} digits.</source>
        <translation>A PIN is {low} to {high} digits.</translation>
    </message>
    <message>
        <source>A delivery must add stock: {qty} is not a positive quantity.</source>
        <translation>A delivery must add stock: {qty} is not a positive quantity.</translation>
    </message>
    <message>
        <source>A scale label is one weighed item: scan it again for another.</source>
        <translation>A scale label is one weighed item: scan it again for another.</translation>
    </message>
    <message>
        <source>An adjustment of 0 changes nothing.</source>
        <translation>An adjustment of 0 changes nothing.</translation>
    </message>
    <message>
        <source>Cannot create the data directory {home}: {reason}.</source>
        <translation>Cannot create the data directory {home}: {reason}.</translation>
    </message>
    <message>
        <source>Cannot open the terminal database {path}: check that the data directory exists and is writable.</source>
        <translation>Cannot open the terminal database {path}: check that the data directory exists and is writable.</translation>
    </message>
    <message>
        <source>Cannot reach the server at {server} ({reason}): check the network and the address, then try again.</source>
        <translation>Cannot reach the server at {server} ({reason}): check the network and the address, then try again.</translation>
    </message>
    <message>
        <source>Check digit is wrong for {name} {code} (expected {expected}): rescan, or type the code again.</source>
        <translation>Check digit is wrong for {name} {code} (expected {expected}): rescan, or type the code again.</translation>
    </message>
    <message>
        <source>Check digit is wrong on priced label {code} (expected {expected}): rescan, or reprint the label.</source>
        <translation>Check digit is wrong on priced label {code} (expected {expected}): rescan, or reprint the label.</translation>
    </message>
    <message>
        <source>Check digit is wrong on weighed label {code} (expected {expected}): rescan, or re-weigh the item and print a new label.</source>
        <translation>Check digit is wrong on weighed label {code} (expected {expected}): rescan, or re-weigh the item and print a new label.</translation>
    </message>
    <message>
        <source>Journal entry {seq} is a {type} entry, not a sale: it has no receipt.</source>
        <translation>Journal entry {seq} is a {type} entry, not a sale: it has no receipt.</translation>
    </message>
    <message>
        <source>No printer is configured (printer.url is preview): give one with --printer URL.</source>
        <translation>No printer is configured (printer.url is preview): give one with --printer URL.</translation>
    </message>
    <message>
        <source>No product has PLU {plu}: check the number on the quick-key list.</source>
        <translation>No product has PLU {plu}: check the number on the quick-key list.</translation>
    </message>
    <message>
        <source>No sale has been made on this terminal yet: there is no receipt to reprint.</source>
        <translation>No sale has been made on this terminal yet: there is no receipt to reprint.</translation>
    </message>
    <message>
        <source>No scale port: give --port DEV or set scale.port in booth.toml.</source>
        <translation>No scale port: give --port DEV or set scale.port in booth.toml.</translation>
    </message>
    <message>
        <source>No terminal database in {home}: run &apos;booth-pos init --terminal ID --booth-name NAME&apos; first.</source>
        <translation>No terminal database in {home}: run &apos;booth-pos init --terminal ID --booth-name NAME&apos; first.</translation>
    </message>
    <message>
        <source>Not a barcode this terminal knows: {code} has characters other than digits.</source>
        <translation>Not a barcode this terminal knows: {code} has characters other than digits.</translation>
    </message>
    <message>
        <source>Not a barcode this terminal knows: {code} has {digits} digits and is not a product barcode, scale label or payment code. Rescan; if it keeps happening, ask IT to check the [barcode] settings in booth.toml.</source>
        <translation>Not a barcode this terminal knows: {code} has {digits} digits and is not a product barcode, scale label or payment code. Rescan; if it keeps happening, ask IT to check the [barcode] settings in booth.toml.</translation>
    </message>
    <message>
        <source>Nothing was read: the code is empty. Scan it again.</source>
        <translation>Nothing was read: the code is empty. Scan it again.</translation>
    </message>
    <message>
        <source>Only cash can be more than the total: non-cash payments come to {non_cash} against {total}.</source>
        <translation>Only cash can be more than the total: non-cash payments come to {non_cash} against {total}.</translation>
    </message>
    <message>
        <source>This payment code was already used or has expired: ask the customer to refresh it, then scan it again.</source>
        <translation>This payment code was already used or has expired: ask the customer to refresh it, then scan it again.</translation>
    </message>
    <message>
        <source>{name} comes to {amount}; one line may be at most {limit}: split it.</source>
        <translation>{name} comes to {amount}; one line may be at most {limit}: split it.</translation>
    </message>
    <message>
        <source>One {method} payment may be at most {limit}: split it.</source>
        <translation>One {method} payment may be at most {limit}: split it.</translation>
    </message>
    <message>
        <source>--pin is refused: a PIN on the command line can be read by every user of this PC. Type it when asked, or use --pin-file PATH or the BOOTH_POS_PIN variable.</source>
        <translation>--pin is refused: a PIN on the command line can be read by every user of this PC. Type it when asked, or use --pin-file PATH or the BOOTH_POS_PIN variable.</translation>
    </message>
    <message>
        <source>Cannot read the PIN file {path}: {reason}.</source>
        <translation>Cannot read the PIN file {path}: {reason}.</translation>
    </message>
    <message>
        <source>Payment is {short} short of the total {total}.</source>
        <translation>Payment is {short} short of the total {total}.</translation>
    </message>
    <message>
        <source>Price check digit is wrong on priced label {code} (expected {expected}): rescan, or reprint the label.</source>
        <translation>Price check digit is wrong on priced label {code} (expected {expected}): rescan, or reprint the label.</translation>
    </message>
    <message>
        <source>Priced label {code} shows a price of 0: reprint the label with the right price.</source>
        <translation>Priced label {code} shows a price of 0: reprint the label with the right price.</translation>
    </message>
    <message>
        <source>Quantity must be between {low} and {high}, not {value}.</source>
        <translation>Quantity must be between {low} and {high}, not {value}.</translation>
    </message>
    <message>
        <source>Role &apos;{role}&apos; is unknown: use cashier or manager.</source>
        <translation>Role &apos;{role}&apos; is unknown: use cashier or manager.</translation>
    </message>
    <message>
        <source>Say why the drawer is opened, e.g. &apos;change for the float&apos;.</source>
        <translation>Say why the drawer is opened, e.g. &apos;change for the float&apos;.</translation>
    </message>
    <message>
        <source>Say why the stock is adjusted (--reason), e.g. &apos;damaged in transit&apos;.</source>
        <translation>Say why the stock is adjusted (--reason), e.g. &apos;damaged in transit&apos;.</translation>
    </message>
    <message>
        <source>Sync stopped: {detail}</source>
        <translation>Sync stopped: {detail}</translation>
    </message>
    <message>
        <source>The booth name is empty: give the name customers see on receipts.</source>
        <translation>The booth name is empty: give the name customers see on receipts.</translation>
    </message>
    <message>
        <source>The cart is empty: scan a product first.</source>
        <translation>The cart is empty: scan a product first.</translation>
    </message>
    <message>
        <source>The catalog was not imported: {count} problem(s) found.</source>
        <translation>The catalog was not imported: {count} problem(s) found.</translation>
    </message>
    <message>
        <source>The disk holding {directory} is full: nothing was recorded. Free some space on the terminal, then try again.</source>
        <translation>The disk holding {directory} is full: nothing was recorded. Free some space on the terminal, then try again.</translation>
    </message>
    <message>
        <source>The gateway declined the payment: ask the customer to pay another way.</source>
        <translation>The gateway declined the payment: ask the customer to pay another way.</translation>
    </message>
    <message>
        <source>The label&apos;s price is zero: reprint the label on the scale.</source>
        <translation>The label&apos;s price is zero: reprint the label on the scale.</translation>
    </message>
    <message>
        <source>The name is empty.</source>
        <translation>The name is empty.</translation>
    </message>
    <message>
        <source>The poverty-relief certificate {certificate} of {name} expired on {expires}: it cannot be sold until HQ renews it.</source>
        <translation>The poverty-relief certificate {certificate} of {name} expired on {expires}: it cannot be sold until HQ renews it.</translation>
    </message>
    <message>
        <source>The scale label {code} has PLU {plu}, which is not in the catalog: check the scale&apos;s PLU list.</source>
        <translation>The scale label {code} has PLU {plu}, which is not in the catalog: check the scale&apos;s PLU list.</translation>
    </message>
    <message>
        <source>The server address must start with https:// (or http:// on a test bench), e.g. https://hq.example.cn.</source>
        <translation>The server address must start with https:// (or http:// on a test bench), e.g. https://hq.example.cn.</translation>
    </message>
    <message>
        <source>The server could not be asked: no attempts were allowed.</source>
        <translation>The server could not be asked: no attempts were allowed.</translation>
    </message>
    <message>
        <source>The server did not answer ({kind}); sales are kept and will be sent later.</source>
        <translation>The server did not answer ({kind}); sales are kept and will be sent later.</translation>
    </message>
    <message>
        <source>The server did not take the entries it was sent; try again later.</source>
        <translation>The server did not take the entries it was sent; try again later.</translation>
    </message>
    <message>
        <source>The server refused the catalog pull ({detail}); the catalog stays as it is. If this goes on, call HQ.</source>
        <translation>The server refused the catalog pull ({detail}); the catalog stays as it is. If this goes on, call HQ.</translation>
    </message>
    <message>
        <source>The server refused the push ({detail}); sales are kept. If this goes on, call HQ.</source>
        <translation>The server refused the push ({detail}); sales are kept. If this goes on, call HQ.</translation>
    </message>
    <message>
        <source>The server refused the enrolment: {detail}</source>
        <translation>The server refused the enrolment: {detail}</translation>
    </message>
    <message>
        <source>&apos;{part}&apos; is not a count: write DENOMINATION=HOW_MANY in fen, e.g. 10000=3.</source>
        <translation>&apos;{part}&apos; is not a count: write DENOMINATION=HOW_MANY in fen, e.g. 10000=3.</translation>
    </message>
    <message>
        <source>&apos;{text}&apos; is not a settlement total: write METHOD=FEN, e.g. wechat=13960.</source>
        <translation>&apos;{text}&apos; is not a settlement total: write METHOD=FEN, e.g. wechat=13960.</translation>
    </message>
    <message>
        <source>A WeChat or Alipay payment is collected through HQ: pass the customer&apos;s code with --code (a reference alone is recorded only under payments.reference_only).</source>
        <translation>A WeChat or Alipay payment is collected through HQ: pass the customer&apos;s code with --code (a reference alone is recorded only under payments.reference_only).</translation>
    </message>
    <message>
        <source>A count started {at} by {name} is still open: finish it first.</source>
        <translation>A count started {at} by {name} is still open: finish it first.</translation>
    </message>
    <message>
        <source>A discount cannot be negative.</source>
        <translation>A discount cannot be negative.</translation>
    </message>
    <message>
        <source>A discount is 1 to 99 折: 8 means 8折, paying 80 %.</source>
        <translation>A discount is 1 to 99 折: 8 means 8折, paying 80 %.</translation>
    </message>
    <message>
        <source>A discount of more than {limit}% needs a manager&apos;s approval.</source>
        <translation>A discount of more than {limit}% needs a manager&apos;s approval.</translation>
    </message>
    <message>
        <source>A discount of {discount} would leave nothing to pay for {name} ({amount}).</source>
        <translation>A discount of {discount} would leave nothing to pay for {name} ({amount}).</translation>
    </message>
    <message>
        <source>A float cannot be negative.</source>
        <translation>A float cannot be negative.</translation>
    </message>
    <message>
        <source>A held sale carries a mobile payment already collected: take it back and finish it, or remove the payment there (the customer gets it back), first.</source>
        <translation>A held sale carries a mobile payment already collected: take it back and finish it, or remove the payment there (the customer gets it back), first.</translation>
    </message>
    <message>
        <source>A mobile payment can be at most what is due ({due}).</source>
        <translation>A mobile payment can be at most what is due ({due}).</translation>
    </message>
    <message>
        <source>A price change needs a manager&apos;s approval.</source>
        <translation>A price change needs a manager&apos;s approval.</translation>
    </message>
    <message>
        <source>A price must be between {low} and {high}.</source>
        <translation>A price must be between {low} and {high}.</translation>
    </message>
    <message>
        <source>A refund needs a manager&apos;s approval.</source>
        <translation>A refund needs a manager&apos;s approval.</translation>
    </message>
    <message>
        <source>A shift is already open (opened by {by} at entry {seq}): close it first.</source>
        <translation>A shift is already open (opened by {by} at entry {seq}): close it first.</translation>
    </message>
    <message>
        <source>A transfer needs at least one product: --line CODE=QTY.</source>
        <translation>A transfer needs at least one product: --line CODE=QTY.</translation>
    </message>
    <message>
        <source>Booth {booth} is this booth: a transfer goes to another booth.</source>
        <translation>Booth {booth} is this booth: a transfer goes to another booth.</translation>
    </message>
    <message>
        <source>Cash is counted in the drawer, not confirmed: give the counts instead.</source>
        <translation>Cash is counted in the drawer, not confirmed: give the counts instead.</translation>
    </message>
    <message>
        <source>Choose at least one line to refund.</source>
        <translation>Choose at least one line to refund.</translation>
    </message>
    <message>
        <source>Count {count} was already finished (entry {seq}): its stock moved then.</source>
        <translation>Count {count} was already finished (entry {seq}): its stock moved then.</translation>
    </message>
    <message>
        <source>Count {count} was already finished.</source>
        <translation>Count {count} was already finished.</translation>
    </message>
    <message>
        <source>Delivery {delivery} was already checked in (entry {seq}): its stock moved then.</source>
        <translation>Delivery {delivery} was already checked in (entry {seq}): its stock moved then.</translation>
    </message>
    <message>
        <source>Delivery {delivery} was already checked in.</source>
        <translation>Delivery {delivery} was already checked in.</translation>
    </message>
    <message>
        <source>Finishing a count changes stock: it needs a manager&apos;s approval.</source>
        <translation>Finishing a count changes stock: it needs a manager&apos;s approval.</translation>
    </message>
    <message>
        <source>Give the minimum, or --clear to go back to HQ&apos;s.</source>
        <translation>Give the minimum, or --clear to go back to HQ&apos;s.</translation>
    </message>
    <message>
        <source>HQ cannot be reached to settle {count} earlier mobile payment(s): mobile payments stay stopped until it answers.</source>
        <translation>HQ cannot be reached to settle {count} earlier mobile payment(s): mobile payments stay stopped until it answers.</translation>
    </message>
    <message>
        <source>HQ cannot be reached, so mobile payments cannot be collected now: take cash or a card, or try again when the network is back.</source>
        <translation>HQ cannot be reached, so mobile payments cannot be collected now: take cash or a card, or try again when the network is back.</translation>
    </message>
    <message>
        <source>HQ did not answer ({kind}).</source>
        <translation>HQ did not answer ({kind}).</translation>
    </message>
    <message>
        <source>HQ did not send the outcome of mobile refunds ({detail}); they are asked again at the next round.</source>
        <translation>HQ did not send the outcome of mobile refunds ({detail}); they are asked again at the next round.</translation>
    </message>
    <message>
        <source>HQ did not send this terminal&apos;s journal ({detail}): nothing more was changed. Call HQ.</source>
        <translation>HQ did not send this terminal&apos;s journal ({detail}): nothing more was changed. Call HQ.</translation>
    </message>
    <message>
        <source>HQ has no payment {number}.</source>
        <translation>HQ has no payment {number}.</translation>
    </message>
    <message>
        <source>HQ holds this terminal&apos;s journal up to entry {hq_seq}, this PC only up to entry {local_seq}: a sale now would fork the journal. Selling is stopped until a manager runs &apos;booth-pos journal recover&apos;.</source>
        <translation>HQ holds this terminal&apos;s journal up to entry {hq_seq}, this PC only up to entry {local_seq}: a sale now would fork the journal. Selling is stopped until a manager runs &apos;booth-pos journal recover&apos;.</translation>
    </message>
    <message>
        <source>HQ refused the mobile payment ({detail}): nothing was charged.</source>
        <translation>HQ refused the mobile payment ({detail}): nothing was charged.</translation>
    </message>
    <message>
        <source>HQ sent no entries after {seq}, though it holds this terminal&apos;s journal up to entry {hq_seq}: nothing more was changed. Run &apos;booth-pos journal recover&apos; again later.</source>
        <translation>HQ sent no entries after {seq}, though it holds this terminal&apos;s journal up to entry {hq_seq}: nothing more was changed. Run &apos;booth-pos journal recover&apos; again later.</translation>
    </message>
    <message>
        <source>HQ stopped answering: the payment will be cancelled as soon as HQ answers, and any money taken goes back to the customer. Take another way to pay.</source>
        <translation>HQ stopped answering: the payment will be cancelled as soon as HQ answers, and any money taken goes back to the customer. Take another way to pay.</translation>
    </message>
    <message>
        <source>HQ&apos;s copy of this terminal&apos;s journal does not verify at entry {seq} ({reason}): nothing more was changed. Call HQ.</source>
        <translation>HQ&apos;s copy of this terminal&apos;s journal does not verify at entry {seq} ({reason}): nothing more was changed. Call HQ.</translation>
    </message>
    <message>
        <source>HQ&apos;s entry {seq} of this terminal&apos;s journal differs from this PC&apos;s: a sale now would fork the journal. Selling is stopped: a manager runs &apos;booth-pos journal recover&apos;, which says whether HQ must be called.</source>
        <translation>HQ&apos;s entry {seq} of this terminal&apos;s journal differs from this PC&apos;s: a sale now would fork the journal. Selling is stopped: a manager runs &apos;booth-pos journal recover&apos;, which says whether HQ must be called.</translation>
    </message>
    <message>
        <source>Journal entry {seq} is a {type} entry, not a Z report (z_close): there is no Z to show or reprint.</source>
        <translation>Journal entry {seq} is a {type} entry, not a Z report (z_close): there is no Z to show or reprint.</translation>
    </message>
    <message>
        <source>Keep the reason to {limit} characters.</source>
        <translation>Keep the reason to {limit} characters.</translation>
    </message>
    <message>
        <source>Line {line} ({name}) has {left} left to refund, not {wanted}.</source>
        <translation>Line {line} ({name}) has {left} left to refund, not {wanted}.</translation>
    </message>
    <message>
        <source>Line {line} ({name}) was already refunded.</source>
        <translation>Line {line} ({name}) was already refunded.</translation>
    </message>
    <message>
        <source>Mobile payments are not set up for this booth at HQ: nothing was charged. Take another way to pay, and tell HQ.</source>
        <translation>Mobile payments are not set up for this booth at HQ: nothing was charged. Take another way to pay, and tell HQ.</translation>
    </message>
    <message>
        <source>Name the booth the goods go to by its HQ booth id (at most 64 characters).</source>
        <translation>Name the booth the goods go to by its HQ booth id (at most 64 characters).</translation>
    </message>
    <message>
        <source>No category {category} in the catalog: the categories are {categories}.</source>
        <translation>No category {category} in the catalog: the categories are {categories}.</translation>
    </message>
    <message>
        <source>No count is in progress: start one with &apos;booth-pos stock count start&apos;.</source>
        <translation>No count is in progress: start one with &apos;booth-pos stock count start&apos;.</translation>
    </message>
    <message>
        <source>No count {count} is in progress.</source>
        <translation>No count {count} is in progress.</translation>
    </message>
    <message>
        <source>No delivery {delivery} is expected here: see &apos;booth-pos stock deliveries&apos;, or sync first if HQ has just sent it.</source>
        <translation>No delivery {delivery} is expected here: see &apos;booth-pos stock deliveries&apos;, or sync first if HQ has just sent it.</translation>
    </message>
    <message>
        <source>No scanner port: give --port DEV or set scanner.port in booth.toml.</source>
        <translation>No scanner port: give --port DEV or set scanner.port in booth.toml.</translation>
    </message>
    <message>
        <source>No shift has been closed on this terminal yet: there is no Z report.</source>
        <translation>No shift has been closed on this terminal yet: there is no Z report.</translation>
    </message>
    <message>
        <source>No shift is open: a manager opens one with its float before selling.</source>
        <translation>No shift is open: a manager opens one with its float before selling.</translation>
    </message>
    <message>
        <source>No shift is open: a manager opens one with its float first.</source>
        <translation>No shift is open: a manager opens one with its float first.</translation>
    </message>
    <message>
        <source>No shift is open: there is nothing to close.</source>
        <translation>No shift is open: there is nothing to close.</translation>
    </message>
    <message>
        <source>No shift is open: there is nothing to report yet.</source>
        <translation>No shift is open: there is nothing to report yet.</translation>
    </message>
    <message>
        <source>No {method} payments were taken in this shift: there is nothing to confirm.</source>
        <translation>No {method} payments were taken in this shift: there is nothing to confirm.</translation>
    </message>
    <message>
        <source>Nothing is left to pay: press Finish.</source>
        <translation>Nothing is left to pay: press Finish.</translation>
    </message>
    <message>
        <source>Nothing was counted yet: count at least one product, then finish.</source>
        <translation>Nothing was counted yet: count at least one product, then finish.</translation>
    </message>
    <message>
        <source>Only {left} of sale {receipt} was paid by {method} and not yet refunded.</source>
        <translation>Only {left} of sale {receipt} was paid by {method} and not yet refunded.</translation>
    </message>
    <message>
        <source>Product {product} is not in this terminal&apos;s catalog yet: sync, then check the delivery in.</source>
        <translation>Product {product} is not in this terminal&apos;s catalog yet: sync, then check the delivery in.</translation>
    </message>
    <message>
        <source>Sale {receipt} was already refunded in full.</source>
        <translation>Sale {receipt} was already refunded in full.</translation>
    </message>
    <message>
        <source>Sale {receipt} was already refunded in part: refund the rest instead.</source>
        <translation>Sale {receipt} was already refunded in part: refund the rest instead.</translation>
    </message>
    <message>
        <source>Sale {receipt} was made before this shift: refund it instead of voiding it.</source>
        <translation>Sale {receipt} was made before this shift: refund it instead of voiding it.</translation>
    </message>
    <message>
        <source>Sale {receipt} was not paid by {method}: refund it in cash or by {methods}.</source>
        <translation>Sale {receipt} was not paid by {method}: refund it in cash or by {methods}.</translation>
    </message>
    <message>
        <source>Say how the customer pays: --pay METHOD:FEN, or --code with their payment code.</source>
        <translation>Say how the customer pays: --pay METHOD:FEN, or --code with their payment code.</translation>
    </message>
    <message>
        <source>Say why the cash moves (--reason), e.g. &apos;change from the bank&apos;.</source>
        <translation>Say why the cash moves (--reason), e.g. &apos;change from the bank&apos;.</translation>
    </message>
    <message>
        <source>Say why the drawer is opened (--reason), e.g. &apos;drawer test&apos;.</source>
        <translation>Say why the drawer is opened (--reason), e.g. &apos;drawer test&apos;.</translation>
    </message>
    <message>
        <source>Say why the goods are refunded, e.g. &apos;spoiled&apos;.</source>
        <translation>Say why the goods are refunded, e.g. &apos;spoiled&apos;.</translation>
    </message>
    <message>
        <source>Say why the price is changed, e.g. &apos;damaged packaging&apos;.</source>
        <translation>Say why the price is changed, e.g. &apos;damaged packaging&apos;.</translation>
    </message>
    <message>
        <source>Say why the sale is voided, e.g. &apos;rung up twice&apos;.</source>
        <translation>Say why the sale is voided, e.g. &apos;rung up twice&apos;.</translation>
    </message>
    <message>
        <source>That held sale is no longer held: someone resumed or discarded it.</source>
        <translation>That held sale is no longer held: someone resumed or discarded it.</translation>
    </message>
    <message>
        <source>The PIN file {path} is empty.</source>
        <translation>The PIN file {path} is empty.</translation>
    </message>
    <message>
        <source>The amount must be more than ￥0.00.</source>
        <translation>The amount must be more than ￥0.00.</translation>
    </message>
    <message>
        <source>The cart is empty: there is nothing to hold.</source>
        <translation>The cart is empty: there is nothing to hold.</translation>
    </message>
    <message>
        <source>The counted notes and coins add up to {counted}, not the float {float}.</source>
        <translation>The counted notes and coins add up to {counted}, not the float {float}.</translation>
    </message>
    <message>
        <source>The customer did not confirm in time: the payment was cancelled and nothing was charged. Scan a fresh code to try again.</source>
        <translation>The customer did not confirm in time: the payment was cancelled and nothing was charged. Scan a fresh code to try again.</translation>
    </message>
    <message>
        <source>The customer&apos;s balance is not enough: ask them to choose another card in their app, or to pay another way.</source>
        <translation>The customer&apos;s balance is not enough: ask them to choose another card in their app, or to pay another way.</translation>
    </message>
    <message>
        <source>The drawer should hold only {expected}: {amount} cannot be refunded in cash.</source>
        <translation>The drawer should hold only {expected}: {amount} cannot be refunded in cash.</translation>
    </message>
    <message>
        <source>The drawer should hold only {expected}: {amount} cannot be taken out.</source>
        <translation>The drawer should hold only {expected}: {amount} cannot be taken out.</translation>
    </message>
    <message>
        <source>The payment code is not valid: ask the customer to refresh it, then scan it again.</source>
        <translation>The payment code is not valid: ask the customer to refresh it, then scan it again.</translation>
    </message>
    <message>
        <source>The payment did not go through ({reason}): nothing was charged. Ask the customer to try again or to pay another way.</source>
        <translation>The payment did not go through ({reason}): nothing was charged. Ask the customer to try again or to pay another way.</translation>
    </message>
    <message>
        <source>The payment was cancelled: nothing was charged, and money already taken goes back to the customer.</source>
        <translation>The payment was cancelled: nothing was charged, and money already taken goes back to the customer.</translation>
    </message>
    <message>
        <source>The sale has no line {line}.</source>
        <translation>The sale has no line {line}.</translation>
    </message>
    <message>
        <source>The server address {server} is not https://: sales and the token would cross the network unencrypted. Use https://, or on a test bench set allow_insecure_http = true under [sync] in booth.toml.</source>
        <translation>The server address {server} is not https://: sales and the token would cross the network unencrypted. Use https://, or on a test bench set allow_insecure_http = true under [sync] in booth.toml.</translation>
    </message>
    <message>
        <source>The server asked this terminal to wait (HTTP {status}); sales are kept and will be sent in {seconds} s.</source>
        <translation>The server asked this terminal to wait (HTTP {status}); sales are kept and will be sent in {seconds} s.</translation>
    </message>
    <message>
        <source>The server did not answer ({kind}): what was recovered so far is kept. Run &apos;booth-pos journal recover&apos; again when the network is back.</source>
        <translation>The server did not answer ({kind}): what was recovered so far is kept. Run &apos;booth-pos journal recover&apos; again when the network is back.</translation>
    </message>
    <message>
        <source>The server did not say how much of this terminal&apos;s journal it holds ({detail}); sales are kept. If this goes on, call HQ.</source>
        <translation>The server did not say how much of this terminal&apos;s journal it holds ({detail}); sales are kept. If this goes on, call HQ.</translation>
    </message>
    <message>
        <source>The server is busy (HTTP {status}); sales are kept and will be sent later.</source>
        <translation>The server is busy (HTTP {status}); sales are kept and will be sent later.</translation>
    </message>
    <message>
        <source>The server no longer accepts this terminal&apos;s token (revoked, or another PC enrolled in its place): ask HQ for a replacement code (&apos;booth-pos-server enroll-code BOOTH --replaces TERMINAL&apos;), enrol with it (&apos;booth-pos enroll&apos;), then run &apos;booth-pos journal recover&apos; if sync says the journal is behind HQ.</source>
        <translation>The server no longer accepts this terminal&apos;s token (revoked, or another PC enrolled in its place): ask HQ for a replacement code (&apos;booth-pos-server enroll-code BOOTH --replaces TERMINAL&apos;), enrol with it (&apos;booth-pos enroll&apos;), then run &apos;booth-pos journal recover&apos; if sync says the journal is behind HQ.</translation>
    </message>
    <message>
        <source>The terminal database failed ({reason}): nothing was recorded.</source>
        <translation>The terminal database failed ({reason}): nothing was recorded.</translation>
    </message>
    <message>
        <source>The terminal database is busy with another program: nothing was recorded. Try again.</source>
        <translation>The terminal database is busy with another program: nothing was recorded. Try again.</translation>
    </message>
    <message>
        <source>The terminal database {path} is damaged: nothing was recorded. Call IT support; do not delete the file, it holds unsynced sales.</source>
        <translation>The terminal database {path} is damaged: nothing was recorded. Call IT support; do not delete the file, it holds unsynced sales.</translation>
    </message>
    <message>
        <source>The two PINs differ: nothing was changed.</source>
        <translation>The two PINs differ: nothing was changed.</translation>
    </message>
    <message>
        <source>The {method} payment must be more than {minimum}.</source>
        <translation>The {method} payment must be more than {minimum}.</translation>
    </message>
    <message>
        <source>The {method} payment {number} is not a paid mobile payment of {amount} waiting for this sale: nothing was recorded.</source>
        <translation>The {method} payment {number} is not a paid mobile payment of {amount} waiting for this sale: nothing was recorded.</translation>
    </message>
    <message>
        <source>There is already a user named {name}.</source>
        <translation>There is already a user named {name}.</translation>
    </message>
    <message>
        <source>There is no cashier named &apos;{name}&apos; on this terminal.</source>
        <translation>There is no cashier named &apos;{name}&apos; on this terminal.</translation>
    </message>
    <message>
        <source>There is no journal entry {seq} on this terminal.</source>
        <translation>There is no journal entry {seq} on this terminal.</translation>
    </message>
    <message>
        <source>There is no line {line} in the cart.</source>
        <translation>There is no line {line} in the cart.</translation>
    </message>
    <message>
        <source>This PC&apos;s journal holds entries HQ does not: from entry {seq} on they differ from HQ&apos;s (the journals have forked). Nothing was changed. Call HQ, and sell on this terminal only when they say so.</source>
        <translation>This PC&apos;s journal holds entries HQ does not: from entry {seq} on they differ from HQ&apos;s (the journals have forked). Nothing was changed. Call HQ, and sell on this terminal only when they say so.</translation>
    </message>
    <message>
        <source>This needs a PIN and there is nobody to type it: use --pin-file PATH or the BOOTH_POS_PIN variable.</source>
        <translation>This needs a PIN and there is nobody to type it: use --pin-file PATH or the BOOTH_POS_PIN variable.</translation>
    </message>
    <message>
        <source>This terminal is not enrolled: run &apos;booth-pos enroll --server URL --code CODE&apos;.</source>
        <translation>This terminal is not enrolled: run &apos;booth-pos enroll --server URL --code CODE&apos;.</translation>
    </message>
    <message>
        <source>Too many wrong PINs for {name}: try again in {seconds} s.</source>
        <translation>Too many wrong PINs for {name}: try again in {seconds} s.</translation>
    </message>
    <message>
        <source>Unknown barcode {code}: it is not in the catalog. Check the product or ask HQ to add it.</source>
        <translation>Unknown barcode {code}: it is not in the catalog. Check the product or ask HQ to add it.</translation>
    </message>
    <message>
        <source>Unknown payment method &apos;{method}&apos;: use one of {methods}.</source>
        <translation>Unknown payment method &apos;{method}&apos;: use one of {methods}.</translation>
    </message>
    <message>
        <source>Voiding a paid sale needs a manager&apos;s approval.</source>
        <translation>Voiding a paid sale needs a manager&apos;s approval.</translation>
    </message>
    <message>
        <source>Weighed label {code} shows a weight of 0 g: re-weigh the item and print a new label.</source>
        <translation>Weighed label {code} shows a weight of 0 g: re-weigh the item and print a new label.</translation>
    </message>
    <message>
        <source>Weight check digit is wrong on weighed label {code} (expected {expected}): rescan, or re-weigh the item and print a new label.</source>
        <translation>Weight check digit is wrong on weighed label {code} (expected {expected}): rescan, or re-weigh the item and print a new label.</translation>
    </message>
    <message>
        <source>Weight in grams must be between {low} and {high}, not {value}.</source>
        <translation>Weight in grams must be between {low} and {high}, not {value}.</translation>
    </message>
    <message>
        <source>Wrong PIN for {name}. Locked for {seconds} s after too many wrong PINs.</source>
        <translation>Wrong PIN for {name}. Locked for {seconds} s after too many wrong PINs.</translation>
    </message>
    <message>
        <source>Wrong PIN for {name}: {left} more tries before a lockout.</source>
        <translation>Wrong PIN for {name}: {left} more tries before a lockout.</translation>
    </message>
    <message>
        <source>{code} is a carton code (GTIN-14 starting with {first}), not a single item: scan the barcode on the item itself.</source>
        <translation>{code} is a carton code (GTIN-14 starting with {first}), not a single item: scan the barcode on the item itself.</translation>
    </message>
    <message>
        <source>{code} is a customer&apos;s payment code: take it at payment, not as a product.</source>
        <translation>{code} is a customer&apos;s payment code: take it at payment, not as a product.</translation>
    </message>
    <message>
        <source>{code} is a scale label: add it with its weight or price.</source>
        <translation>{code} is a scale label: add it with its weight or price.</translation>
    </message>
    <message>
        <source>{code} is named twice: give each product once.</source>
        <translation>{code} is named twice: give each product once.</translation>
    </message>
    <message>
        <source>{code} is not a WeChat Pay or Alipay payment code: ask the customer to show it again.</source>
        <translation>{code} is not a WeChat Pay or Alipay payment code: ask the customer to show it again.</translation>
    </message>
    <message>
        <source>{code} is not a barcode this terminal reads.</source>
        <translation>{code} is not a barcode this terminal reads.</translation>
    </message>
    <message>
        <source>{code} is not a valid scale label.</source>
        <translation>{code} is not a valid scale label.</translation>
    </message>
    <message>
        <source>{count} earlier mobile payment(s) are still being settled with HQ: mobile payments resume once HQ has answered for them. Take cash or a card meanwhile.</source>
        <translation>{count} earlier mobile payment(s) are still being settled with HQ: mobile payments resume once HQ has answered for them. Take cash or a card meanwhile.</translation>
    </message>
    <message>
        <source>{count} held sale(s) are still waiting: close with --held keep to keep them for the next shift, or --held discard to drop them.</source>
        <translation>{count} held sale(s) are still waiting: close with --held keep to keep them for the next shift, or --held discard to drop them.</translation>
    </message>
    <message>
        <source>{directory} is read-only: nothing was recorded. Ask IT to make the data directory writable, then try again.</source>
        <translation>{directory} is read-only: nothing was recorded. Ask IT to make the data directory writable, then try again.</translation>
    </message>
    <message>
        <source>{home} already belongs to terminal {existing}: refusing to make it {terminal_id}. Use another --home.</source>
        <translation>{home} already belongs to terminal {existing}: refusing to make it {terminal_id}. Use another --home.</translation>
    </message>
    <message>
        <source>{home} has no terminal set up: run &apos;booth-pos init --terminal ID --booth-name NAME&apos; first.</source>
        <translation>{home} has no terminal set up: run &apos;booth-pos init --terminal ID --booth-name NAME&apos; first.</translation>
    </message>
    <message>
        <source>{method} is {variance} off (counted {counted}, expected {expected}): say why (--reason) to close the shift.</source>
        <translation>{method} is {variance} off (counted {counted}, expected {expected}): say why (--reason) to close the shift.</translation>
    </message>
    <message>
        <source>{name} carries its price on the scale label: weigh it again instead.</source>
        <translation>{name} carries its price on the scale label: weigh it again instead.</translation>
    </message>
    <message>
        <source>{name} is a cashier: only a manager may approve this.</source>
        <translation>{name} is a cashier: only a manager may approve this.</translation>
    </message>
    <message>
        <source>{name} is not in this count: it counts category {category} only.</source>
        <translation>{name} is not in this count: it counts category {category} only.</translation>
    </message>
    <message>
        <source>{name} is sold by the piece, not by weight.</source>
        <translation>{name} is sold by the piece, not by weight.</translation>
    </message>
    <message>
        <source>{name} is sold by weight: weigh it or scan its scale label.</source>
        <translation>{name} is sold by weight: weigh it or scan its scale label.</translation>
    </message>
    <message>
        <source>{name} is weighed: change its weight, not its quantity.</source>
        <translation>{name} is weighed: change its weight, not its quantity.</translation>
    </message>
    <message>
        <source>{name}: {received} received against {expected} expected. Say why: {reasons}.</source>
        <translation>{name}: {received} received against {expected} expected. Say why: {reasons}.</translation>
    </message>
    <message>
        <source>{path} is not valid TOML ({reason}): fix or remove it.</source>
        <translation>{path} is not valid TOML ({reason}): fix or remove it.</translation>
    </message>
    <message>
        <source>{product} is not on delivery {delivery}: scan it first.</source>
        <translation>{product} is not on delivery {delivery}: scan it first.</translation>
    </message>
    <message>
        <source>{qty} is not a count of {name}: give whole pieces, or grams for goods sold by the kg, of 0 or more.</source>
        <translation>{qty} is not a count of {name}: give whole pieces, or grams for goods sold by the kg, of 0 or more.</translation>
    </message>
    <message>
        <source>{qty} is not a minimum stock of {name}: give whole pieces, or grams for goods sold by the kg, of 0 or more.</source>
        <translation>{qty} is not a minimum stock of {name}: give whole pieces, or grams for goods sold by the kg, of 0 or more.</translation>
    </message>
    <message>
        <source>{qty} is not a quantity of {name}: give whole pieces, or grams for goods sold by the kg, of 0 or more.</source>
        <translation>{qty} is not a quantity of {name}: give whole pieces, or grams for goods sold by the kg, of 0 or more.</translation>
    </message>
    <message>
        <source>{qty} is not a whole number: give pieces, or grams for goods sold by the kg.</source>
        <translation>{qty} is not a whole number: give pieces, or grams for goods sold by the kg.</translation>
    </message>
    <message>
        <source>{qty} of {name} is more than one count can hold.</source>
        <translation>{qty} of {name} is more than one count can hold.</translation>
    </message>
    <message>
        <source>{qty} of {name} is more than one delivery can hold.</source>
        <translation>{qty} of {name} is more than one delivery can hold.</translation>
    </message>
    <message>
        <source>{reason} is not a check-in reason: say {reasons}.</source>
        <translation>{reason} is not a check-in reason: say {reasons}.</translation>
    </message>
    <message>
        <source>{value} fen is counted twice.</source>
        <translation>{value} fen is counted twice.</translation>
    </message>
    <message>
        <source>{value} fen is not a banknote or coin: use 10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 2 or 1.</source>
        <translation>{value} fen is not a banknote or coin: use 10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 2 or 1.</translation>
    </message>
    <message>
        <source>{value} is not CODE={what}, e.g. 6970006000011=12.</source>
        <translation>{value} is not CODE={what}, e.g. 6970006000011=12.</translation>
    </message>
    <message>
        <source>{where}: &apos;{table}&apos; should be a [table].</source>
        <translation>{where}: &apos;{table}&apos; should be a [table].</translation>
    </message>
    <message>
        <source>{where}: [barcode] {reason}</source>
        <translation>{where}: [barcode] {reason}</translation>
    </message>
    <message>
        <source>{where}: [printer] {reason}</source>
        <translation>{where}: [printer] {reason}</translation>
    </message>
    <message>
        <source>{where}: booth.timezone &apos;{timezone}&apos; is not a time zone.</source>
        <translation>{where}: booth.timezone &apos;{timezone}&apos; is not a time zone.</translation>
    </message>
    <message>
        <source>{where}: display.encoding must be &apos;ascii&apos; or &apos;gbk&apos;.</source>
        <translation>{where}: display.encoding must be &apos;ascii&apos; or &apos;gbk&apos;.</translation>
    </message>
    <message>
        <source>{where}: display.protocol must be &apos;cd5220&apos; or &apos;epson&apos;.</source>
        <translation>{where}: display.protocol must be &apos;cd5220&apos; or &apos;epson&apos;.</translation>
    </message>
    <message>
        <source>{where}: payments.poll_ms must be 50 to 10000.</source>
        <translation>{where}: payments.poll_ms must be 50 to 10000.</translation>
    </message>
    <message>
        <source>{where}: pin.free_attempts and pin.lockout_seconds must be at least 1.</source>
        <translation>{where}: pin.free_attempts and pin.lockout_seconds must be at least 1.</translation>
    </message>
    <message>
        <source>{where}: printer.drawer_pin is the drawer connector pin, 2 or 5.</source>
        <translation>{where}: printer.drawer_pin is the drawer connector pin, 2 or 5.</translation>
    </message>
    <message>
        <source>{where}: printer.language must be &apos;zh_CN&apos; or &apos;en&apos;.</source>
        <translation>{where}: printer.language must be &apos;zh_CN&apos; or &apos;en&apos;.</translation>
    </message>
    <message>
        <source>{where}: printer.status_poll_s must be 0 (never) to 3600 seconds.</source>
        <translation>{where}: printer.status_poll_s must be 0 (never) to 3600 seconds.</translation>
    </message>
    <message>
        <source>{where}: printer.{name} must be 1 to 3600.</source>
        <translation>{where}: printer.{name} must be 1 to 3600.</translation>
    </message>
    <message>
        <source>{where}: sale.cash_rounding must be &apos;none&apos;, &apos;down_jiao&apos; or &apos;nearest_jiao&apos;.</source>
        <translation>{where}: sale.cash_rounding must be &apos;none&apos;, &apos;down_jiao&apos; or &apos;nearest_jiao&apos;.</translation>
    </message>
    <message>
        <source>{where}: sale.certificate_policy must be &apos;warn&apos; or &apos;block&apos;.</source>
        <translation>{where}: sale.certificate_policy must be &apos;warn&apos; or &apos;block&apos;.</translation>
    </message>
    <message>
        <source>{where}: sale.discount_limit_pct must be 0 to 100.</source>
        <translation>{where}: sale.discount_limit_pct must be 0 to 100.</translation>
    </message>
    <message>
        <source>{where}: sale.quick_keys_per_category must be at least 1.</source>
        <translation>{where}: sale.quick_keys_per_category must be at least 1.</translation>
    </message>
    <message>
        <source>{where}: scale.protocol must be &apos;toledo8217&apos; or &apos;continuous&apos;.</source>
        <translation>{where}: scale.protocol must be &apos;toledo8217&apos; or &apos;continuous&apos;.</translation>
    </message>
    <message>
        <source>{where}: scanner.max_gap_ms must be 5 to 500 and scanner.min_length 1 to 64.</source>
        <translation>{where}: scanner.max_gap_ms must be 5 to 500 and scanner.min_length 1 to 64.</translation>
    </message>
    <message>
        <source>{where}: scanner.suffix must be &apos;enter&apos; or &apos;tab&apos;.</source>
        <translation>{where}: scanner.suffix must be &apos;enter&apos; or &apos;tab&apos;.</translation>
    </message>
    <message>
        <source>{where}: shift.variance_threshold_fen cannot be negative.</source>
        <translation>{where}: shift.variance_threshold_fen cannot be negative.</translation>
    </message>
    <message>
        <source>{where}: sync.interval_s must be 5 to 3600 seconds.</source>
        <translation>{where}: sync.interval_s must be 5 to 3600 seconds.</translation>
    </message>
    <message>
        <source>{where}: unknown setting {table}.{key}; see docs/configuration.md.</source>
        <translation>{where}: unknown setting {table}.{key}; see docs/configuration.md.</translation>
    </message>
    <message>
        <source>{where}: {table}.baud must be one of 1200, 2400, 4800, 9600, 19200, 38400, 57600 or 115200.</source>
        <translation>{where}: {table}.baud must be one of 1200, 2400, 4800, 9600, 19200, 38400, 57600 or 115200.</translation>
    </message>
    <message>
        <source>{where}: {table}.{key} should be a list of text, like [&quot;10001&quot;, &quot;10002&quot;].</source>
        <translation>{where}: {table}.{key} should be a list of text, like [&quot;10001&quot;, &quot;10002&quot;].</translation>
    </message>
    <message>
        <source>{where}: {table}.{key} should be a whole number, without quotes.</source>
        <translation>{where}: {table}.{key} should be a whole number, without quotes.</translation>
    </message>
    <message>
        <source>{where}: {table}.{key} should be text in double quotes.</source>
        <translation>{where}: {table}.{key} should be text in double quotes.</translation>
    </message>
    <message>
        <source>{where}: {table}.{key} should be true or false, without quotes.</source>
        <translation>{where}: {table}.{key} should be true or false, without quotes.</translation>
    </message>
</context>
</TS>
