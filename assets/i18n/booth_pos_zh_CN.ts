<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AmountReasonDialog</name>
    <message>
        <source>Why?</source>
        <translation>原因？</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <source>OK (Enter)</source>
        <translation>确定 (Enter)</translation>
    </message>
    <message>
        <source>Enter the amount first, e.g. 50 or 12.50.</source>
        <translation>请先输入金额，例如 50 或 12.50。</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is not an amount: type 50 or 12.50.</source>
        <translation>“{0}”不是金额：请输入 50 或 12.50。</translation>
    </message>
    <message>
        <source>Enter an amount of more than ￥0.00.</source>
        <translation>请输入大于 ￥0.00 的金额。</translation>
    </message>
    <message>
        <source>Say why (or pick a reason).</source>
        <translation>请说明原因（或选择一个原因）。</translation>
    </message>
</context>
<context>
    <name>CartModel</name>
    <message>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Qty / weight</source>
        <translation>数量/重量</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>单价</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>{0} (−{1})</source>
        <translation>{0}（−{1}）</translation>
    </message>
    <message>
        <source>Certificate {0} expired on {1}</source>
        <translation>认证证书 {0} 已于 {1} 过期</translation>
    </message>
</context>
<context>
    <name>CashMoveDialog</name>
    <message>
        <source>Cash in: put cash into the drawer</source>
        <translation>现金存入：把现金放进钱箱</translation>
    </message>
    <message>
        <source>Cash out: take cash out of the drawer</source>
        <translation>现金取出：从钱箱取出现金</translation>
    </message>
    <message>
        <source>How much goes into the drawer, in yuan, and why?</source>
        <translation>往钱箱存入多少元？为什么？</translation>
    </message>
    <message>
        <source>How much comes out of the drawer, in yuan, and why?</source>
        <translation>从钱箱取出多少元？为什么？</translation>
    </message>
    <message>
        <source>Amount in yuan</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>Change from the bank</source>
        <translation>从银行换来零钱</translation>
    </message>
    <message>
        <source>More float for change</source>
        <translation>补充找零备用金</translation>
    </message>
    <message>
        <source>Banked at noon</source>
        <translation>中午存入银行</translation>
    </message>
    <message>
        <source>Handed to the campaign office</source>
        <translation>上交活动办公室</translation>
    </message>
</context>
<context>
    <name>CloseWizard</name>
    <message>
        <source>Close shift</source>
        <translation>结班</translation>
    </message>
    <message>
        <source>Count every note and coin in the drawer. What the drawer should hold is shown only after the count.</source>
        <translation>请逐张清点钱箱里的纸币和硬币。点完之后才会显示钱箱应有金额。</translation>
    </message>
    <message>
        <source>Enter each provider&apos;s settlement total (WeChat Pay, Alipay, bank card terminal, vouchers), or keep the amount shown to accept it.</source>
        <translation>请输入各渠道（微信支付、支付宝、银行卡终端、代金券）的结算金额；若无误，保留显示的金额即可确认。</translation>
    </message>
    <message>
        <source>Tender</source>
        <translation>付款方式</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>应收</translation>
    </message>
    <message>
        <source>Counted</source>
        <translation>实点</translation>
    </message>
    <message>
        <source>Variance</source>
        <translation>差额</translation>
    </message>
    <message>
        <source>Change miscounted</source>
        <translation>找零算错</translation>
    </message>
    <message>
        <source>A note or coin is missing</source>
        <translation>少了纸币或硬币</translation>
    </message>
    <message>
        <source>A customer overpaid</source>
        <translation>顾客多付</translation>
    </message>
    <message>
        <source>Wrong tender recorded</source>
        <translation>付款方式记错</translation>
    </message>
    <message>
        <source>Other (say what below)</source>
        <translation>其他（请在下面说明）</translation>
    </message>
    <message>
        <source>Details, e.g. change given twice</source>
        <translation>详细说明，例如：重复找零</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Step 1 of 3: count the drawer</source>
        <translation>第 1 步（共 3 步）：清点钱箱</translation>
    </message>
    <message>
        <source>Step 2 of 3: settlement totals</source>
        <translation>第 2 步（共 3 步）：核对结算金额</translation>
    </message>
    <message>
        <source>Step 3 of 3: check and close</source>
        <translation>第 3 步（共 3 步）：核对并结班</translation>
    </message>
    <message>
        <source>The shift is closed</source>
        <translation>本班已结班</translation>
    </message>
    <message>
        <source>Close shift and print Z</source>
        <translation>结班并打印日结报表</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>The count of {0} is not a whole number.</source>
        <translation>{0} 的张数不是整数。</translation>
    </message>
    <message>
        <source>No shift is open: there is nothing to close.</source>
        <translation>没有未结的班次：无需结班。</translation>
    </message>
    <message>
        <source>Asking HQ what WeChat Pay and Alipay collected in this shift…</source>
        <translation>正在向总部查询本班微信支付和支付宝的收款…</translation>
    </message>
    <message>
        <source>WeChat Pay and Alipay are what HQ&apos;s gateways collected in this shift, less the refunds sent back through them: checked with HQ, they cannot be changed here. Explain any difference on the next page.</source>
        <translation>微信支付和支付宝为总部本班实际收款减去原路退回的退款：已与总部核对，此处不可修改。如有差异，请在下一页说明。</translation>
    </message>
    <message>
        <source>HQ cannot confirm WeChat Pay or Alipay now: type the totals from the providers&apos; apps. They are marked unverified on the Z report.</source>
        <translation>总部现在无法核对微信支付或支付宝：请按收款方应用中的合计填写。日结报表上将标为未核对。</translation>
    </message>
    <message>
        <source>expected {0}</source>
        <translation>应收 {0}</translation>
    </message>
    <message>
        <source>{0} (verified by HQ)</source>
        <translation>{0}（总部已核对）</translation>
    </message>
    <message>
        <source>{0} (unverified)</source>
        <translation>{0}（未核对）</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is not an amount: type 50 or 12.50.</source>
        <translation>“{0}”不是金额：请输入 50 或 12.50。</translation>
    </message>
    <message>
        <source>A variance is more than {0}: say why before closing.</source>
        <translation>有差额超过 {0}：结班前请说明原因。</translation>
    </message>
    <message>
        <source>Every variance is within {0}; a note is optional.</source>
        <translation>所有差额都在 {0} 以内；备注可不填。</translation>
    </message>
    <message>
        <source>Say why the drawer is off before closing the shift.</source>
        <translation>结班前请说明钱箱差额的原因。</translation>
    </message>
    <message>
        <source>Z report {0} is written and printing. Sales {1} ({2}), refunds {3}; variance {4}. Selling needs a new shift.</source>
        <translation>日结报表 {0} 已记录并正在打印。销售 {1} 笔（{2}），退款 {3}；差额 {4}。继续销售需要开新班。</translation>
    </message>
</context>
<context>
    <name>CodeEntry</name>
    <message>
        <source>Scan or type a barcode or PLU</source>
        <translation>扫码或输入条码/PLU</translation>
    </message>
    <message>
        <source>pcs or g</source>
        <translation>件或克</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Set</source>
        <translation>设为</translation>
    </message>
</context>
<context>
    <name>CountGrid</name>
    <message>
        <source>Counted: {0}</source>
        <translation>点钞合计：{0}</translation>
    </message>
</context>
<context>
    <name>CountPage</name>
    <message>
        <source>Start count</source>
        <translation>开始盘点</translation>
    </message>
    <message>
        <source>Count:</source>
        <translation>盘点：</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>At the start</source>
        <translation>开始时</translation>
    </message>
    <message>
        <source>Counted</source>
        <translation>实盘</translation>
    </message>
    <message>
        <source>Variance</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>Finish count…</source>
        <translation>完成盘点…</translation>
    </message>
    <message>
        <source>The whole booth</source>
        <translation>全部商品</translation>
    </message>
    <message>
        <source>No count is in progress. Start one: cashiers keep selling while you count.</source>
        <translation>没有进行中的盘点。开始盘点后收银员可以照常销售。</translation>
    </message>
    <message>
        <source>the whole booth</source>
        <translation>全部商品</translation>
    </message>
    <message>
        <source>Counting {0} since {1} ({2}): {3} of {4} products counted. Sales since the start are accounted for.</source>
        <translation>正在盘点{0}，{1} 开始（{2}）：已盘 {3}/{4} 种商品。开始后的销售和退货已计入。</translation>
    </message>
    <message>
        <source>g</source>
        <translation>克</translation>
    </message>
    <message>
        <source>pcs</source>
        <translation>件</translation>
    </message>
    <message>
        <source>The count started: the snapshot is taken.</source>
        <translation>盘点已开始：库存快照已记录。</translation>
    </message>
    <message>
        <source>{0}: {1} counted</source>
        <translation>{0}：已盘 {1}</translation>
    </message>
    <message>
        <source>finish the count and adjust stock by its variances</source>
        <translation>完成盘点并按差异调整库存</translation>
    </message>
    <message>
        <source>Count finished (entry {0}): {1} products, variance {2:+}.</source>
        <translation>盘点完成（流水 {0}）：{1} 种商品，差异 {2:+}。</translation>
    </message>
</context>
<context>
    <name>DeliveriesPage</name>
    <message>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>应到</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>实收</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>All arrived as expected</source>
        <translation>全部按单到货</translation>
    </message>
    <message>
        <source>Confirm check-in…</source>
        <translation>确认验收…</translation>
    </message>
    <message>
        <source>short</source>
        <translation>短缺</translation>
    </message>
    <message>
        <source>damaged</source>
        <translation>破损</translation>
    </message>
    <message>
        <source>extra</source>
        <translation>多到</translation>
    </message>
    <message>
        <source>Transfer from {0}
{1} · {2} products</source>
        <translation>来自 {0} 的调拨
{1} · {2} 种商品</translation>
    </message>
    <message>
        <source>HQ delivery {0}
{1} · {2} products</source>
        <translation>总部配送 {0}
{1} · {2} 种商品</translation>
    </message>
    <message>
        <source>No deliveries are expected. HQ&apos;s deliveries and other booths&apos; transfers appear here after a sync.</source>
        <translation>没有待验收的到货。同步后，总部配送和其他专柜的调拨会显示在这里。</translation>
    </message>
    <message>
        <source>Scan each product as it is unpacked; weighed goods go on the scale (or tap their line). Then confirm.</source>
        <translation>拆箱时逐件扫码；称重商品放上电子秤称重（或点一下该行）。然后确认。</translation>
    </message>
    <message>
        <source>g</source>
        <translation>克</translation>
    </message>
    <message>
        <source>pcs</source>
        <translation>件</translation>
    </message>
    <message>
        <source>Why?</source>
        <translation>原因？</translation>
    </message>
    <message>
        <source>{0}: {1} of {2} {3} received</source>
        <translation>{0}：应到 {2} {3}，已收 {1}</translation>
    </message>
    <message>
        <source>check the delivery in and move its stock</source>
        <translation>验收到货并入库</translation>
    </message>
    <message>
        <source>Checked in: {0} received of {1} expected (entry {2}).</source>
        <translation>已验收：应到 {1}，实收 {0}（流水 {2}）。</translation>
    </message>
</context>
<context>
    <name>HeldSalesDialog</name>
    <message>
        <source>Held sales</source>
        <translation>挂单</translation>
    </message>
    <message>
        <source>Held sales: choose one to resume</source>
        <translation>挂单：选择一单取回</translation>
    </message>
    <message>
        <source>Held at</source>
        <translation>挂单时间</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Paid by phone</source>
        <translation>已手机收款</translation>
    </message>
    <message>
        <source>Cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <source>Resume (Enter)</source>
        <translation>取单 (Enter)</translation>
    </message>
</context>
<context>
    <name>KeypadDialog</name>
    <message>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <source>OK (Enter)</source>
        <translation>确定 (Enter)</translation>
    </message>
    <message>
        <source>Enter a whole number from 1 to {0}.</source>
        <translation>请输入 1 到 {0} 之间的整数。</translation>
    </message>
    <message>
        <source>{0} is unusually many: check it, then press OK again to confirm.</source>
        <translation>{0} 数量异常大：请核对，确认无误后再按一次确定。</translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message>
        <source>Booth POS · {0}</source>
        <translation>扶贫专柜收银 · {0}</translation>
    </message>
    <message>
        <source>Who is selling?</source>
        <translation>谁在收银？</translation>
    </message>
    <message>
        <source>or type your name</source>
        <translation>或输入您的名字</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Log in (Enter)</source>
        <translation>登录 (Enter)</translation>
    </message>
    <message>
        <source>Choose your name first.</source>
        <translation>请先选择您的名字。</translation>
    </message>
</context>
<context>
    <name>LowStockPage</name>
    <message>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>On hand</source>
        <translation>现有库存</translation>
    </message>
    <message>
        <source>Minimum</source>
        <translation>最低库存</translation>
    </message>
    <message>
        <source>Set by</source>
        <translation>设定方</translation>
    </message>
    <message>
        <source>{0} products are below their minimum.</source>
        <translation>{0} 种商品低于最低库存。</translation>
    </message>
    <message>
        <source>Nothing is below its minimum.</source>
        <translation>没有低于最低库存的商品。</translation>
    </message>
    <message>
        <source>g</source>
        <translation>克</translation>
    </message>
    <message>
        <source>pcs</source>
        <translation>件</translation>
    </message>
    <message>
        <source>HQ</source>
        <translation>总部</translation>
    </message>
    <message>
        <source>this booth</source>
        <translation>本专柜</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Booth POS · {0}</source>
        <translation>扶贫专柜收银 · {0}</translation>
    </message>
    <message>
        <source>open since {0} ({1})</source>
        <translation>{0} 开班（{1}）</translation>
    </message>
    <message>
        <source>open the manager screen</source>
        <translation>打开店长界面</translation>
    </message>
    <message>
        <source>Finish or cancel the sale in progress before closing the shift.</source>
        <translation>结班前请先完成或取消正在进行的销售。</translation>
    </message>
    <message>
        <source>Finish or cancel the sale in progress before a refund.</source>
        <translation>退款前请先完成或取消正在进行的销售。</translation>
    </message>
    <message>
        <source>Refunded {0}: give back {1}; {2} goes back to the customer&apos;s account through HQ (Manager, Mobile refunds).</source>
        <translation>已退款 {0}：请退还 {1}；{2} 由总部原路退回顾客账户（店长 › 移动支付退款）。</translation>
    </message>
    <message>
        <source>Refunded {0}: {1} goes back to the customer&apos;s account through HQ, even if this till is offline now (Manager, Mobile refunds).</source>
        <translation>已退款 {0}：{1} 由总部原路退回顾客账户，本机离线也不影响（店长 › 移动支付退款）。</translation>
    </message>
    <message>
        <source>Refunded {0}: give back {1}.</source>
        <translation>已退款 {0}：请退还 {1}。</translation>
    </message>
    <message>
        <source>Finish the payment (or go back) before scanning products.</source>
        <translation>请先完成收款（或返回），再扫描商品。</translation>
    </message>
    <message>
        <source>Scanned {0}, not used: log in first, then scan.</source>
        <translation>扫到 {0}，未使用：请先登录再扫。</translation>
    </message>
    <message>
        <source>Scanned {0}, not used: go back to the sale screen to sell.</source>
        <translation>扫到 {0}，未使用：请返回收银界面再扫。</translation>
    </message>
    <message>
        <source>A sale of {0} paid by phone ({1}) was not finished before the till stopped: it is back in the held sales, to finish or to refund.</source>
        <translation>一笔 {0} 的销售已用手机支付（{1}），收银机停止前未完成：已放回挂单，可取单完成或退款。</translation>
    </message>
    <message>
        <source>Printing a copy of the last receipt.</source>
        <translation>正在补打上一张小票。</translation>
    </message>
    <message>
        <source>The last receipt has not printed yet: trying the printer again.</source>
        <translation>上一张小票还没打印出来：正在重试打印机。</translation>
    </message>
    <message>
        <source>open the cash drawer</source>
        <translation>打开钱箱</translation>
    </message>
    <message>
        <source>Drawer opened.</source>
        <translation>钱箱已打开。</translation>
    </message>
    <message>
        <source>The drawer did not open: {0}</source>
        <translation>钱箱没有打开：{0}</translation>
    </message>
    <message>
        <source>Serial scanner: {0}</source>
        <translation>串口扫码枪：{0}</translation>
    </message>
    <message>
        <source>Customer display: {0}</source>
        <translation>顾客显示屏：{0}</translation>
    </message>
</context>
<context>
    <name>ManagerApproval</name>
    <message>
        <source>Manager approval</source>
        <translation>店长授权</translation>
    </message>
    <message>
        <source>A manager must approve: {0}</source>
        <translation>需要店长授权：{0}</translation>
    </message>
    <message>
        <source>This terminal has no manager: ask IT to add one.</source>
        <translation>本机没有店长账号：请联系IT添加。</translation>
    </message>
    <message>
        <source>Manager PIN</source>
        <translation>店长密码</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <source>Approve (Enter)</source>
        <translation>授权 (Enter)</translation>
    </message>
    <message>
        <source>Choose the manager first.</source>
        <translation>请先选择店长。</translation>
    </message>
    <message>
        <source>{0} is not a manager.</source>
        <translation>{0} 不是店长。</translation>
    </message>
</context>
<context>
    <name>ManagerScreen</name>
    <message>
        <source>Open shift…</source>
        <translation>开班…</translation>
    </message>
    <message>
        <source>Cash in…</source>
        <translation>现金存入…</translation>
    </message>
    <message>
        <source>Cash out…</source>
        <translation>现金取出…</translation>
    </message>
    <message>
        <source>Close shift…</source>
        <translation>结班…</translation>
    </message>
    <message>
        <source>Back to selling (Esc)</source>
        <translation>返回收银 (Esc)</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Tender</source>
        <translation>付款方式</translation>
    </message>
    <message>
        <source>In the shift</source>
        <translation>本班金额</translation>
    </message>
    <message>
        <source>X report</source>
        <translation>X 报表（班中）</translation>
    </message>
    <message>
        <source>Sales by hour</source>
        <translation>每小时销售额</translation>
    </message>
    <message>
        <source>Sales by tender</source>
        <translation>各付款方式销售额</translation>
    </message>
    <message>
        <source>Top products</source>
        <translation>热销商品</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Print a copy</source>
        <translation>补打一份</translation>
    </message>
    <message>
        <source>Z reports</source>
        <translation>日结报表</translation>
    </message>
    <message>
        <source>Mobile refunds</source>
        <translation>移动支付退款</translation>
    </message>
    <message>
        <source>Stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <source>Manager: {0}</source>
        <translation>店长：{0}</translation>
    </message>
    <message>
        <source>Shift open since {0} (opened by {1}, float {2})</source>
        <translation>本班自 {0} 起（开班人 {1}，备用金 {2}）</translation>
    </message>
    <message>
        <source>No shift is open: selling needs a new shift.</source>
        <translation>没有开班：销售需要先开新班。</translation>
    </message>
    <message>
        <source>Sales</source>
        <translation>销售笔数</translation>
    </message>
    <message>
        <source>Sales amount</source>
        <translation>销售额</translation>
    </message>
    <message>
        <source>Refunds ({0})</source>
        <translation>退款（{0} 笔）</translation>
    </message>
    <message>
        <source>Voided sales ({0})</source>
        <translation>撤销的销售（{0} 笔）</translation>
    </message>
    <message>
        <source>Net sales</source>
        <translation>净销售额</translation>
    </message>
    <message>
        <source>Discounts given</source>
        <translation>折扣金额</translation>
    </message>
    <message>
        <source>Cash rounding</source>
        <translation>抹零</translation>
    </message>
    <message>
        <source>Price changes</source>
        <translation>改价次数</translation>
    </message>
    <message>
        <source>Lines voided before payment ({0})</source>
        <translation>付款前删除的行（{0} 行）</translation>
    </message>
    <message>
        <source>Float</source>
        <translation>备用金</translation>
    </message>
    <message>
        <source>Cash in</source>
        <translation>现金存入</translation>
    </message>
    <message>
        <source>Cash out</source>
        <translation>现金取出</translation>
    </message>
    <message>
        <source>Cash the drawer should hold</source>
        <translation>钱箱应有现金</translation>
    </message>
    <message>
        <source>Supplier: {0}</source>
        <translation>供应商：{0}</translation>
    </message>
    <message>
        <source>County: {0}</source>
        <translation>区县：{0}</translation>
    </message>
    <message>
        <source>No sales in this shift yet.</source>
        <translation>本班还没有销售。</translation>
    </message>
    <message>
        <source>No shift is open.</source>
        <translation>没有开班。</translation>
    </message>
    <message>
        <source>{0}  {1}
sales {2}  variance {3}</source>
        <translation>{0}  {1}
销售 {2}  差额 {3}</translation>
    </message>
    <message>
        <source>No shift has been closed on this terminal yet.</source>
        <translation>本机还没有结过班。</translation>
    </message>
    <message>
        <source>The shift is open.</source>
        <translation>已开班。</translation>
    </message>
    <message>
        <source>Cash movement recorded.</source>
        <translation>现金存取已记录。</translation>
    </message>
    <message>
        <source>{0} lines, {1}</source>
        <translation>{0} 行，{1}</translation>
    </message>
    <message>
        <source>Held sales</source>
        <translation>挂单</translation>
    </message>
    <message>
        <source>{0} held sale(s) are still waiting. They are not sales: nothing of them is in the Z.</source>
        <translation>还有 {0} 笔挂单未处理。挂单不是销售，不计入日结报表。</translation>
    </message>
    <message>
        <source>Keep them and close</source>
        <translation>保留挂单并结班</translation>
    </message>
    <message>
        <source>Discard them and close</source>
        <translation>作废挂单并结班</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <source>{0} held sale(s) discarded.</source>
        <translation>已作废 {0} 笔挂单。</translation>
    </message>
    <message>
        <source>The shift is closed; the Z report is printing.</source>
        <translation>已结班，日结报表正在打印。</translation>
    </message>
    <message>
        <source>Printing a copy of the Z report.</source>
        <translation>正在补打日结报表。</translation>
    </message>
</context>
<context>
    <name>MobilePayDialog</name>
    <message>
        <source>Mobile payment</source>
        <translation>移动支付</translation>
    </message>
    <message>
        <source>Ask the customer to confirm on their phone</source>
        <translation>请顾客在手机上确认</translation>
    </message>
    <message>
        <source>Code {0}</source>
        <translation>付款码 {0}</translation>
    </message>
    <message>
        <source>Cancel payment (Esc)</source>
        <translation>取消支付 (Esc)</translation>
    </message>
    <message>
        <source>{0} s</source>
        <translation>{0} 秒</translation>
    </message>
    <message>
        <source>Cancelling the payment with HQ…</source>
        <translation>正在向总部撤销支付…</translation>
    </message>
</context>
<context>
    <name>MobileRefundsView</name>
    <message>
        <source>Pending</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>{0} went back to the customer&apos;s {1} account; it arrives in 1-3 working days.</source>
        <translation>{0} 已原路退回顾客的{1}账户，预计1-3个工作日到账。</translation>
    </message>
    <message>
        <source>HQ returns {0} to the customer&apos;s {1} account once this till has synced.</source>
        <translation>本机同步后，总部将把 {0} 原路退回顾客的{1}账户。</translation>
    </message>
    <message>
        <source>HQ has no paid payment to return it from</source>
        <translation>总部没有可退回的已付款记录</translation>
    </message>
    <message>
        <source>{0} refused the refund</source>
        <translation>{0}拒绝了退款</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>未说明原因</translation>
    </message>
    <message>
        <source>{0}: the customer has not got {1} back. Give it back in cash with Cash out, naming refund {2} as the reason, and tell HQ.</source>
        <translation>{0}：顾客尚未收到 {1}。请用“现金取出”以现金退还，原因写退款单号 {2}，并告知总部。</translation>
    </message>
    <message>
        <source>Refund</source>
        <translation>退款单</translation>
    </message>
    <message>
        <source>Tender</source>
        <translation>付款方式</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>What happens</source>
        <translation>处理情况</translation>
    </message>
    <message>
        <source>{0} mobile refund(s) failed: the customer has not got that money back. See what to do beside each one.</source>
        <translation>{0} 笔移动支付退款失败：顾客尚未收到这笔钱。请按每笔旁边的说明处理。</translation>
    </message>
</context>
<context>
    <name>OpenShiftDialog</name>
    <message>
        <source>Open shift</source>
        <translation>开班</translation>
    </message>
    <message>
        <source>Count the float you put into the drawer, note by note.</source>
        <translation>请逐张清点放入钱箱的备用金。</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <source>The count of {0} is not a whole number.</source>
        <translation>{0} 的张数不是整数。</translation>
    </message>
</context>
<context>
    <name>PaymentDialog</name>
    <message>
        <source>Payment</source>
        <translation>收款</translation>
    </message>
    <message>
        <source>Remove payment</source>
        <translation>删除付款</translation>
    </message>
    <message>
        <source>Amount in yuan, e.g. 50 or 12.50</source>
        <translation>金额（元），如 50 或 12.50</translation>
    </message>
    <message>
        <source>Reference (scan the payment code)</source>
        <translation>凭证号（扫描顾客付款码）</translation>
    </message>
    <message>
        <source>Back (Esc)</source>
        <translation>返回 (Esc)</translation>
    </message>
    <message>
        <source>Add payment</source>
        <translation>添加付款</translation>
    </message>
    <message>
        <source>Finish (Enter)</source>
        <translation>完成收款 (Enter)</translation>
    </message>
    <message>
        <source>Exact</source>
        <translation>整收</translation>
    </message>
    <message>
        <source>Due {0}</source>
        <translation>应收 {0}</translation>
    </message>
    <message>
        <source>Cash rounding {0}: {1} to pay</source>
        <translation>抹零 {0}：应付 {1}</translation>
    </message>
    <message>
        <source>Change due</source>
        <translation>找零</translation>
    </message>
    <message>
        <source>Still to pay</source>
        <translation>尚需支付</translation>
    </message>
    <message>
        <source>A mobile payment is already waiting for the customer.</source>
        <translation>已有一笔移动支付在等待顾客确认。</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is not an amount: type 50 or 12.50.</source>
        <translation>“{0}”不是金额：请输入 50 或 12.50。</translation>
    </message>
    <message>
        <source>Scan or type the reference for {0}.</source>
        <translation>请扫描或输入{0}的凭证号。</translation>
    </message>
    <message>
        <source>Nothing is left to pay: press Finish.</source>
        <translation>已付清：请按“完成收款”。</translation>
    </message>
    <message>
        <source>Only cash can be more than what is due.</source>
        <translation>只有现金可以超过应收金额。</translation>
    </message>
    <message>
        <source>HQ has not cancelled the payment yet: try again.</source>
        <translation>总部尚未撤销这笔支付：请再试一次。</translation>
    </message>
    <message>
        <source>Payments taken</source>
        <translation>已收款项</translation>
    </message>
    <message>
        <source>Already taken: {0}. Going back drops them: give cash back, and refund a mobile payment to the customer. Go back anyway?</source>
        <translation>已收：{0}。返回将作废这些款项：现金要退还顾客，移动支付要给顾客退款。仍要返回吗？</translation>
    </message>
    <message>
        <source>Drop them and go back</source>
        <translation>作废并返回</translation>
    </message>
    <message>
        <source>Keep paying (Esc)</source>
        <translation>继续收款 (Esc)</translation>
    </message>
    <message>
        <source>{0} still to pay.</source>
        <translation>尚需支付 {0}。</translation>
    </message>
    <message>
        <source>Cash</source>
        <extracomment>The language the screens are in now (set by ``Languages.use``): product names follow it.</extracomment>
        <translation>现金</translation>
    </message>
    <message>
        <source>WeChat Pay</source>
        <translation>微信支付</translation>
    </message>
    <message>
        <source>Alipay</source>
        <translation>支付宝</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>银行卡</translation>
    </message>
    <message>
        <source>Voucher</source>
        <translation>代金券</translation>
    </message>
</context>
<context>
    <name>PriceDialog</name>
    <message>
        <source>Change price</source>
        <translation>改价</translation>
    </message>
    <message>
        <source>per kg</source>
        <translation>每公斤</translation>
    </message>
    <message>
        <source>per piece</source>
        <translation>每件</translation>
    </message>
    <message>
        <source>New price of {0} ({1}); now {2}.</source>
        <translation>{0} 的新价格（{1}）；现价 {2}。</translation>
    </message>
    <message>
        <source>Price in yuan, e.g. 9.90</source>
        <translation>价格（元），例如 9.90</translation>
    </message>
    <message>
        <source>Near its best-before date</source>
        <translation>临近保质期</translation>
    </message>
    <message>
        <source>Damaged packaging</source>
        <translation>包装破损</translation>
    </message>
    <message>
        <source>Shelf label shows another price</source>
        <translation>货架标价不同</translation>
    </message>
    <message>
        <source>Campaign special offer</source>
        <translation>活动特价</translation>
    </message>
</context>
<context>
    <name>ReceiptPreview</name>
    <message>
        <source>Receipt</source>
        <translation>小票</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>找零</translation>
    </message>
    <message>
        <source>Paid in full</source>
        <translation>已付清</translation>
    </message>
    <message>
        <source>Next customer (Enter)</source>
        <translation>下一位顾客 (Enter)</translation>
    </message>
</context>
<context>
    <name>RefundDialog</name>
    <message>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>Receipt no.</source>
        <translation>小票号</translation>
    </message>
    <message>
        <source>e.g. {0}</source>
        <translation>例如 {0}</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Last sale</source>
        <translation>上一笔销售</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Sold</source>
        <translation>已售</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>实付</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>可退</translation>
    </message>
    <message>
        <source>Return</source>
        <translation>退回</translation>
    </message>
    <message>
        <source>Give back by</source>
        <translation>退款方式</translation>
    </message>
    <message>
        <source>Why?</source>
        <translation>原因？</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Quality problem</source>
        <translation>质量问题</translation>
    </message>
    <message>
        <source>Customer changed their mind</source>
        <translation>顾客不想要了</translation>
    </message>
    <message>
        <source>Weighed wrongly</source>
        <translation>称重有误</translation>
    </message>
    <message>
        <source>Rung up by mistake</source>
        <translation>收银错误</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
    <message>
        <source>Void whole sale</source>
        <translation>整单撤销</translation>
    </message>
    <message>
        <source>Refund chosen items</source>
        <translation>退选中的商品</translation>
    </message>
    <message>
        <source>No sale has been made on this terminal yet.</source>
        <translation>本机还没有销售。</translation>
    </message>
    <message>
        <source>Type the receipt number printed on the receipt.</source>
        <translation>请输入小票上印的小票号。</translation>
    </message>
    <message>
        <source>Receipt {0}, {1}, cashier {2}: {3}</source>
        <translation>小票 {0}，{1}，收银员 {2}：{3}</translation>
    </message>
    <message>
        <source>{0} {1} {2}: {3}</source>
        <translation>{0} {1} {2}：{3}</translation>
    </message>
    <message>
        <source> (whole line)</source>
        <translation>（整行）</translation>
    </message>
    <message>
        <source>Everything on this receipt was already refunded.</source>
        <translation>这张小票上的商品都已退过。</translation>
    </message>
    <message>
        <source>Choose how many of which items come back.</source>
        <translation>请选择退回哪些商品、各退几件。</translation>
    </message>
    <message>
        <source>refund {0}</source>
        <translation>退款 {0}</translation>
    </message>
    <message>
        <source>void sale {0}</source>
        <translation>撤销销售 {0}</translation>
    </message>
    <message>
        <source>Say why (or pick a reason) before asking the manager.</source>
        <translation>请先说明原因（或选择一个原因），再请店长批准。</translation>
    </message>
</context>
<context>
    <name>SaleScreen</name>
    <message>
        <source>No shift is open: a manager opens one with its float (Manager, F10).</source>
        <extracomment>A quantity above this asks the cashier to confirm it (a slip of the finger: 112 for 12).</extracomment>
        <translation>没有开班：请店长清点备用金开班（店长，F10）。</translation>
    </message>
    <message>
        <source>− (-)</source>
        <translation>－ (-)</translation>
    </message>
    <message>
        <source>+ (+)</source>
        <translation>＋ (+)</translation>
    </message>
    <message>
        <source>Quantity…</source>
        <translation>数量…</translation>
    </message>
    <message>
        <source>Weight…</source>
        <translation>重量…</translation>
    </message>
    <message>
        <source>Void line (Del)</source>
        <translation>删除行 (Del)</translation>
    </message>
    <message>
        <source>Cancel sale (Esc)</source>
        <translation>取消交易 (Esc)</translation>
    </message>
    <message>
        <source>Discount…</source>
        <translation>折扣…</translation>
    </message>
    <message>
        <source>Change price…</source>
        <translation>改价…</translation>
    </message>
    <message>
        <source>Hold (F7)</source>
        <translation>挂单 (F7)</translation>
    </message>
    <message>
        <source>Held (F8)</source>
        <translation>取单 (F8)</translation>
    </message>
    <message>
        <source>Search (F2): code, PLU, name, pinyin</source>
        <translation>搜索 (F2)：条码、PLU、品名、拼音首字母</translation>
    </message>
    <message>
        <source>Reprint receipt (F6)</source>
        <translation>补打小票 (F6)</translation>
    </message>
    <message>
        <source>Open drawer</source>
        <translation>打开钱箱</translation>
    </message>
    <message>
        <source>Refund…</source>
        <translation>退款…</translation>
    </message>
    <message>
        <source>Manager (F10)</source>
        <translation>店长 (F10)</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>Pay (F9)</source>
        <translation>收款 (F9)</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>{0} line(s)</source>
        <translation>共 {0} 行</translation>
    </message>
    <message>
        <source>Nothing found</source>
        <translation>没有找到商品</translation>
    </message>
    <message>
        <source>{0} is weighed: enter its weight instead.</source>
        <translation>{0} 为称重商品：请输入重量。</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>How many of {0}?</source>
        <translation>{0} 的数量？</translation>
    </message>
    <message>
        <source>Choose a product sold by weight (quick keys or search).</source>
        <translation>请选择称重商品（快捷键或搜索）。</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>重量</translation>
    </message>
    <message>
        <source>Weight of {0} in grams</source>
        <translation>{0} 的重量（克）</translation>
    </message>
    <message>
        <source>Discount</source>
        <translation>折扣</translation>
    </message>
    <message>
        <source>Discount on {0} ({1}) in 折, the share the customer pays: 8 = 8折 (pays 80 %, 20 % off), 85 = 85折 (pays 85 %).</source>
        <translation>{0}（{1}）打几折？输入顾客实付的折数：8 = 8折（付 80%，优惠 20%），85 = 85折（付 85%）。</translation>
    </message>
    <message>
        <source>Low stock ({0}): {1}</source>
        <translation>低库存（{0}）：{1}</translation>
    </message>
    <message>
        <source>The cart is empty: there is nothing to hold.</source>
        <translation>购物车是空的：没有可挂的单。</translation>
    </message>
    <message>
        <source>Sale held ({0} lines, {1}): F8 takes it back.</source>
        <translation>已挂单（{0} 行，{1}）：按 F8 取单。</translation>
    </message>
    <message>
        <source>No sale is held.</source>
        <translation>没有挂单。</translation>
    </message>
    <message>
        <source>Held (F8): {0}</source>
        <translation>取单 (F8)：{0}</translation>
    </message>
    <message>
        <source>{0}% off</source>
        <translation>减 {0}%</translation>
    </message>
    <message>
        <source>change the price to {0}</source>
        <translation>改价为 {0}</translation>
    </message>
    <message>
        <source>This shift was opened on {0}: a manager should close it (Manager, F10) and open today&apos;s.</source>
        <translation>本班是 {0} 开的：请店长结班（店长，F10）并开今天的班。</translation>
    </message>
    <message>
        <source>Cancel sale</source>
        <translation>取消交易</translation>
    </message>
    <message>
        <source>Cancel this sale and clear all {0} line(s)?</source>
        <translation>取消本笔交易并清空全部 {0} 行？</translation>
    </message>
    <message>
        <source>Keep selling</source>
        <translation>继续收银</translation>
    </message>
</context>
<context>
    <name>SaleSession</name>
    <message>
        <source>Certificate {0} of {1} expired on {2}: tell the booth manager.</source>
        <extracomment>Write a receipt print job with every sale (the window&apos;s print queue prints it).</extracomment>
        <translation>{1} 的认证证书 {0} 已于 {2} 过期：请告知专柜负责人。</translation>
    </message>
    <message>
        <source>This sale is already paid by phone: finish it, or remove the payment in Payment (the customer gets it back) before cancelling.</source>
        <translation>这笔销售已用手机支付：请完成它，或先在付款界面删除该支付（款项退回顾客）再取消。</translation>
    </message>
    <message>
        <source>Hold or finish the sale in progress before resuming another.</source>
        <translation>请先挂起或完成当前这笔销售，再取单。</translation>
    </message>
    <message>
        <source>Log in before selling.</source>
        <translation>请先登录再收银。</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Cashier: {0}</source>
        <translation>收银员：{0}</translation>
    </message>
    <message>
        <source>Not logged in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <source>Shift: {0}</source>
        <translation>班次：{0}</translation>
    </message>
    <message>
        <source>Shift: none</source>
        <translation>班次：未开班</translation>
    </message>
    <message>
        <source>not enrolled</source>
        <translation>未注册</translation>
    </message>
    <message>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Sync: {0} · {1} unsynced</source>
        <translation>同步：{0} · {1} 条未上传</translation>
    </message>
    <message>
        <source>last {0}</source>
        <translation>上次成功 {0}</translation>
    </message>
    <message>
        <source>SELLING STOPPED: {0}</source>
        <translation>已停止销售：{0}</translation>
    </message>
    <message>
        <source>SYNC STOPPED: {0} Call HQ.</source>
        <translation>同步已停止：{0} 请联系总部。</translation>
    </message>
    <message>
        <source>MOBILE PAYMENTS STOPPED: {0} earlier payment(s) not settled with HQ yet</source>
        <translation>移动支付已暂停：{0} 笔之前的支付尚未与总部核对完毕</translation>
    </message>
    <message>
        <source>Clock is {0} min off the server&apos;s: ask IT to fix it</source>
        <translation>终端时钟与服务器相差 {0} 分钟：请联系技术人员校准</translation>
    </message>
    <message>
        <source>no answer in time</source>
        <translation>等待超时</translation>
    </message>
    <message>
        <source>no connection</source>
        <translation>连不上网络</translation>
    </message>
    <message>
        <source>network error</source>
        <translation>网络故障</translation>
    </message>
    <message>
        <source>Printer: starting</source>
        <translation>打印机：启动中</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>connected (no status)</source>
        <translation>已连接（无状态）</translation>
    </message>
    <message>
        <source>OUT OF PAPER</source>
        <translation>缺纸</translation>
    </message>
    <message>
        <source>COVER OPEN</source>
        <translation>纸仓盖未关</translation>
    </message>
    <message>
        <source>ERROR</source>
        <translation>故障</translation>
    </message>
    <message>
        <source>NOT CONNECTED</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>Printer: preview only</source>
        <translation>打印机：仅预览</translation>
    </message>
    <message>
        <source>paper low</source>
        <translation>纸将用完</translation>
    </message>
    <message>
        <source>{0} receipt(s) waiting</source>
        <translation>{0} 张小票待打印</translation>
    </message>
    <message>
        <source>Printer: {0}</source>
        <translation>打印机：{0}</translation>
    </message>
</context>
<context>
    <name>StockTab</name>
    <message>
        <source>Deliveries</source>
        <translation>到货验收</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>盘点</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>调拨</translation>
    </message>
    <message>
        <source>Low stock</source>
        <translation>低库存</translation>
    </message>
</context>
<context>
    <name>TransferPage</name>
    <message>
        <source>To booth (HQ id):</source>
        <translation>调入专柜（总部编号）：</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>To send</source>
        <translation>调出数量</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Send transfer…</source>
        <translation>发出调拨…</translation>
    </message>
    <message>
        <source>Give a quantity of 1 or more.</source>
        <translation>数量至少为 1。</translation>
    </message>
    <message>
        <source>send these goods to another booth</source>
        <translation>把这些商品调拨到其他专柜</translation>
    </message>
    <message>
        <source>Transfer {0} sent to {1} (entry {2}).</source>
        <translation>调拨 {0} 已发往 {1}（流水 {2}）。</translation>
    </message>
</context>
<context>
    <name>WeighDialog</name>
    <message>
        <source>Weigh {0}</source>
        <translation>称重：{0}</translation>
    </message>
    <message>
        <source>{0} per kg</source>
        <translation>{0} /千克</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Zero</source>
        <translation>置零</translation>
    </message>
    <message>
        <source>Tare</source>
        <translation>去皮</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <source>Add (Enter)</source>
        <translation>加入 (Enter)</translation>
    </message>
    <message>
        <source>Type grams…</source>
        <translation>手动输入克数…</translation>
    </message>
    <message>
        <source>Net weight</source>
        <translation>净重</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>重量</translation>
    </message>
    <message>
        <source>Clear tare</source>
        <translation>清除皮重</translation>
    </message>
    <message>
        <source>Waiting for the scale…</source>
        <translation>等待电子秤…</translation>
    </message>
    <message>
        <source>The scale is not answering: check its cable and power.</source>
        <translation>电子秤没有响应：请检查数据线和电源。</translation>
    </message>
    <message>
        <source>Over capacity</source>
        <translation>超出量程</translation>
    </message>
    <message>
        <source>Below zero: press Zero</source>
        <translation>低于零点：请按置零</translation>
    </message>
    <message>
        <source>Moving: wait for the weight to settle</source>
        <translation>称量中：请等读数稳定</translation>
    </message>
    <message>
        <source>Stable</source>
        <translation>已稳定</translation>
    </message>
    <message>
        <source>Zero needs a steady scale: wait, then press Zero.</source>
        <translation>置零需要秤面稳定：请稍候再按置零。</translation>
    </message>
    <message>
        <source>Tare needs a steady weight: put the container on and wait.</source>
        <translation>去皮需要稳定读数：请放上容器并稍候。</translation>
    </message>
</context>
<context>
    <name>Weighing</name>
    <message>
        <source>No scale is set up on this terminal (IT sets scale.port in booth.toml): weigh {0} on another scale and type the grams.</source>
        <translation>本终端未连接电子秤（由IT在 booth.toml 中设置 scale.port）：请用其他秤称{0}，再输入克数。</translation>
    </message>
    <message>
        <source>The scale is not answering: weigh {0} on another scale and type the grams.</source>
        <translation>电子秤没有响应：请用其他秤称{0}，再输入克数。</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>重量</translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <source>&apos;{terminal_id}&apos; is not a terminal id: use up to 32 letters, digits, - or _.</source>
        <translation>“{terminal_id}”不是有效的终端编号：最多 32 个字母、数字、- 或 _。</translation>
    </message>
    <message>
        <source>A PIN is {low} to {high} digits.</source>
        <translation>密码为 {low} 到 {high} 位数字。</translation>
    </message>
    <message>
        <source>A delivery must add stock: {qty} is not a positive quantity.</source>
        <translation>入库必须增加库存：{qty} 不是正数。</translation>
    </message>
    <message>
        <source>A scale label is one weighed item: scan it again for another.</source>
        <translation>一张秤签对应一件称重商品：再买一件请再扫一次。</translation>
    </message>
    <message>
        <source>An adjustment of 0 changes nothing.</source>
        <translation>调整数量为 0，库存不变。</translation>
    </message>
    <message>
        <source>Cannot create the data directory {home}: {reason}.</source>
        <translation>无法创建数据目录 {home}：{reason}。</translation>
    </message>
    <message>
        <source>Cannot open the terminal database {path}: check that the data directory exists and is writable.</source>
        <translation>无法打开终端数据库 {path}：请检查数据目录是否存在且可写。</translation>
    </message>
    <message>
        <source>Cannot reach the server at {server} ({reason}): check the network and the address, then try again.</source>
        <translation>无法连接服务器 {server}（{reason}）：请检查网络和地址后重试。</translation>
    </message>
    <message>
        <source>Check digit is wrong for {name} {code} (expected {expected}): rescan, or type the code again.</source>
        <translation>{name} 条码 {code} 校验位错误（应为 {expected}）：请重新扫描或重新输入。</translation>
    </message>
    <message>
        <source>Check digit is wrong on priced label {code} (expected {expected}): rescan, or reprint the label.</source>
        <translation>金额秤签 {code} 校验位错误（应为 {expected}）：请重新扫描或重新打印秤签。</translation>
    </message>
    <message>
        <source>Check digit is wrong on weighed label {code} (expected {expected}): rescan, or re-weigh the item and print a new label.</source>
        <translation>重量秤签 {code} 校验位错误（应为 {expected}）：请重新扫描，或重新称重并打印新秤签。</translation>
    </message>
    <message>
        <source>Journal entry {seq} is a {type} entry, not a sale: it has no receipt.</source>
        <translation>流水 {seq} 是 {type} 记录，不是销售：没有小票。</translation>
    </message>
    <message>
        <source>No printer is configured (printer.url is preview): give one with --printer URL.</source>
        <translation>未配置打印机（printer.url 为 preview）：请用 --printer URL 指定。</translation>
    </message>
    <message>
        <source>No product has PLU {plu}: check the number on the quick-key list.</source>
        <translation>没有 PLU 为 {plu} 的商品：请核对快捷键清单上的编号。</translation>
    </message>
    <message>
        <source>No sale has been made on this terminal yet: there is no receipt to reprint.</source>
        <translation>本机还没有销售：没有可补打的小票。</translation>
    </message>
    <message>
        <source>No scale port: give --port DEV or set scale.port in booth.toml.</source>
        <translation>没有电子秤端口：请用 --port DEV 指定，或在 booth.toml 中设置 scale.port。</translation>
    </message>
    <message>
        <source>No terminal database in {home}: run &apos;booth-pos init --terminal ID --booth-name NAME&apos; first.</source>
        <translation>{home} 中没有终端数据库：请先运行 &apos;booth-pos init --terminal ID --booth-name NAME&apos;。</translation>
    </message>
    <message>
        <source>Not a barcode this terminal knows: {code} has characters other than digits.</source>
        <translation>无法识别的条码：{code} 含有非数字字符。</translation>
    </message>
    <message>
        <source>Not a barcode this terminal knows: {code} has {digits} digits and is not a product barcode, scale label or payment code. Rescan; if it keeps happening, ask IT to check the [barcode] settings in booth.toml.</source>
        <translation>无法识别的条码：{code} 共 {digits} 位，不是商品条码、秤签或付款码。请重新扫描；如反复出现，请联系技术人员检查 booth.toml 中的 [barcode] 设置。</translation>
    </message>
    <message>
        <source>Nothing was read: the code is empty. Scan it again.</source>
        <translation>没有读到内容：条码为空，请重新扫描。</translation>
    </message>
    <message>
        <source>Only cash can be more than the total: non-cash payments come to {non_cash} against {total}.</source>
        <translation>只有现金可以超过应收：非现金付款共 {non_cash}，应收 {total}。</translation>
    </message>
    <message>
        <source>This payment code was already used or has expired: ask the customer to refresh it, then scan it again.</source>
        <translation>付款码已使用过或已过期：请顾客刷新后重新扫描。</translation>
    </message>
    <message>
        <source>{name} comes to {amount}; one line may be at most {limit}: split it.</source>
        <translation>{name} 金额为 {amount}；单行最多 {limit}：请分成多行。</translation>
    </message>
    <message>
        <source>One {method} payment may be at most {limit}: split it.</source>
        <translation>单笔 {method} 付款最多 {limit}：请分多笔支付。</translation>
    </message>
    <message>
        <source>--pin is refused: a PIN on the command line can be read by every user of this PC. Type it when asked, or use --pin-file PATH or the BOOTH_POS_PIN variable.</source>
        <translation>拒绝使用 --pin：命令行中的 PIN 码本机所有用户都能看到。请在提示时输入，或使用 --pin-file PATH 或环境变量 BOOTH_POS_PIN。</translation>
    </message>
    <message>
        <source>Cannot read the PIN file {path}: {reason}.</source>
        <translation>无法读取 PIN 码文件 {path}：{reason}。</translation>
    </message>
    <message>
        <source>Payment is {short} short of the total {total}.</source>
        <translation>付款金额不足：还差 {short}，应收 {total}。</translation>
    </message>
    <message>
        <source>Price check digit is wrong on priced label {code} (expected {expected}): rescan, or reprint the label.</source>
        <translation>金额秤签 {code} 的价格校验位错误（应为 {expected}）：请重新扫描或重新打印秤签。</translation>
    </message>
    <message>
        <source>Priced label {code} shows a price of 0: reprint the label with the right price.</source>
        <translation>金额秤签 {code} 的价格为 0：请用正确价格重新打印秤签。</translation>
    </message>
    <message>
        <source>Quantity must be between {low} and {high}, not {value}.</source>
        <translation>数量必须在 {low} 到 {high} 之间，不能是 {value}。</translation>
    </message>
    <message>
        <source>Role &apos;{role}&apos; is unknown: use cashier or manager.</source>
        <translation>未知角色“{role}”：请用 cashier（收银员）或 manager（负责人）。</translation>
    </message>
    <message>
        <source>Say why the drawer is opened, e.g. &apos;change for the float&apos;.</source>
        <translation>请说明打开钱箱的原因，例如“换零钱”。</translation>
    </message>
    <message>
        <source>Say why the stock is adjusted (--reason), e.g. &apos;damaged in transit&apos;.</source>
        <translation>请说明调整库存的原因（--reason），例如“运输损坏”。</translation>
    </message>
    <message>
        <source>Sync stopped: {detail}</source>
        <translation>同步已停止：{detail}</translation>
    </message>
    <message>
        <source>The booth name is empty: give the name customers see on receipts.</source>
        <translation>专柜名称为空：请填写顾客在小票上看到的名称。</translation>
    </message>
    <message>
        <source>The cart is empty: scan a product first.</source>
        <translation>购物车是空的：请先扫描商品。</translation>
    </message>
    <message>
        <source>The catalog was not imported: {count} problem(s) found.</source>
        <translation>商品目录未导入：发现 {count} 处问题。</translation>
    </message>
    <message>
        <source>The disk holding {directory} is full: nothing was recorded. Free some space on the terminal, then try again.</source>
        <translation>{directory} 所在磁盘已满：本次操作未记录。请清理终端磁盘空间后重试。</translation>
    </message>
    <message>
        <source>The gateway declined the payment: ask the customer to pay another way.</source>
        <translation>支付渠道拒绝了这笔支付：请顾客改用其他方式付款。</translation>
    </message>
    <message>
        <source>The label&apos;s price is zero: reprint the label on the scale.</source>
        <translation>秤签价格为零：请在电子秤上重新打印秤签。</translation>
    </message>
    <message>
        <source>The name is empty.</source>
        <translation>名字为空。</translation>
    </message>
    <message>
        <source>The poverty-relief certificate {certificate} of {name} expired on {expires}: it cannot be sold until HQ renews it.</source>
        <translation>{name} 的扶贫产品认证证书 {certificate} 已于 {expires} 过期：在总部续证前不能销售。</translation>
    </message>
    <message>
        <source>The scale label {code} has PLU {plu}, which is not in the catalog: check the scale&apos;s PLU list.</source>
        <translation>秤签 {code} 的 PLU 为 {plu}，商品目录中没有：请核对电子秤的 PLU 清单。</translation>
    </message>
    <message>
        <source>The server address must start with https:// (or http:// on a test bench), e.g. https://hq.example.cn.</source>
        <translation>服务器地址必须以 https:// 开头（测试环境可用 http://），例如 https://hq.example.cn。</translation>
    </message>
    <message>
        <source>The server could not be asked: no attempts were allowed.</source>
        <translation>未能向服务器发出请求：重试次数设为零。</translation>
    </message>
    <message>
        <source>The server did not answer ({kind}); sales are kept and will be sent later.</source>
        <translation>服务器无响应（{kind}）；销售记录已保存，稍后自动上传。</translation>
    </message>
    <message>
        <source>The server did not take the entries it was sent; try again later.</source>
        <translation>服务器未接收发送的记录；请稍后重试。</translation>
    </message>
    <message>
        <source>The server refused the catalog pull ({detail}); the catalog stays as it is. If this goes on, call HQ.</source>
        <translation>服务器拒绝了商品目录下载（{detail}）；商品目录保持不变。如持续出现，请联系总部。</translation>
    </message>
    <message>
        <source>The server refused the push ({detail}); sales are kept. If this goes on, call HQ.</source>
        <translation>服务器拒绝了上传（{detail}）；销售记录已保存。如持续出现，请联系总部。</translation>
    </message>
    <message>
        <source>The server refused the enrolment: {detail}</source>
        <translation>服务器拒绝了注册：{detail}</translation>
    </message>
    <message>
        <source>&apos;{part}&apos; is not a count: write DENOMINATION=HOW_MANY in fen, e.g. 10000=3.</source>
        <translation>“{part}”不是点数：请写 面额=张数（面额以分计），例如 10000=3。</translation>
    </message>
    <message>
        <source>&apos;{text}&apos; is not a settlement total: write METHOD=FEN, e.g. wechat=13960.</source>
        <translation>“{text}”不是结算金额：请写 支付方式=分，例如 wechat=13960。</translation>
    </message>
    <message>
        <source>A WeChat or Alipay payment is collected through HQ: pass the customer&apos;s code with --code (a reference alone is recorded only under payments.reference_only).</source>
        <translation>微信或支付宝付款通过总部收款：请用 --code 传入顾客的付款码（仅在 payments.reference_only 下才只记录参考号）。</translation>
    </message>
    <message>
        <source>A count started {at} by {name} is still open: finish it first.</source>
        <translation>{name} 于 {at} 开始的盘点还未完成：请先完成它。</translation>
    </message>
    <message>
        <source>A discount cannot be negative.</source>
        <translation>折扣不能是负数。</translation>
    </message>
    <message>
        <source>A discount is 1 to 99 折: 8 means 8折, paying 80 %.</source>
        <translation>折扣为 1 到 99 折：8 表示 8折，即实付 80%。</translation>
    </message>
    <message>
        <source>A discount of more than {limit}% needs a manager&apos;s approval.</source>
        <translation>超过 {limit}% 的折扣需要店长批准。</translation>
    </message>
    <message>
        <source>A discount of {discount} would leave nothing to pay for {name} ({amount}).</source>
        <translation>折扣 {discount} 会让 {name}（{amount}）不用付钱。</translation>
    </message>
    <message>
        <source>A float cannot be negative.</source>
        <translation>备用金不能为负数。</translation>
    </message>
    <message>
        <source>A held sale carries a mobile payment already collected: take it back and finish it, or remove the payment there (the customer gets it back), first.</source>
        <translation>有挂单带着已收的移动支付：请先取单完成，或在其中删除该支付（款项退回顾客）。</translation>
    </message>
    <message>
        <source>A mobile payment can be at most what is due ({due}).</source>
        <translation>移动支付最多为应付金额（{due}）。</translation>
    </message>
    <message>
        <source>A price change needs a manager&apos;s approval.</source>
        <translation>改价需要店长批准。</translation>
    </message>
    <message>
        <source>A price must be between {low} and {high}.</source>
        <translation>价格必须在 {low} 到 {high} 之间。</translation>
    </message>
    <message>
        <source>A refund needs a manager&apos;s approval.</source>
        <translation>退款需要店长批准。</translation>
    </message>
    <message>
        <source>A shift is already open (opened by {by} at entry {seq}): close it first.</source>
        <translation>已有班次在进行中（{by} 于流水 {seq} 开班）：请先结班。</translation>
    </message>
    <message>
        <source>A transfer needs at least one product: --line CODE=QTY.</source>
        <translation>调拨至少需要一种商品：--line 条码=数量。</translation>
    </message>
    <message>
        <source>Booth {booth} is this booth: a transfer goes to another booth.</source>
        <translation>{booth} 就是本专柜：调拨只能发往其他专柜。</translation>
    </message>
    <message>
        <source>Cash is counted in the drawer, not confirmed: give the counts instead.</source>
        <translation>现金要在钱箱中清点，不是确认：请提供点钞数。</translation>
    </message>
    <message>
        <source>Choose at least one line to refund.</source>
        <translation>请至少选择一行退款。</translation>
    </message>
    <message>
        <source>Count {count} was already finished (entry {seq}): its stock moved then.</source>
        <translation>盘点 {count} 已经完成（流水 {seq}），库存当时已调整。</translation>
    </message>
    <message>
        <source>Count {count} was already finished.</source>
        <translation>盘点 {count} 已经完成。</translation>
    </message>
    <message>
        <source>Delivery {delivery} was already checked in (entry {seq}): its stock moved then.</source>
        <translation>到货 {delivery} 已经验收（流水 {seq}），库存当时已入库。</translation>
    </message>
    <message>
        <source>Delivery {delivery} was already checked in.</source>
        <translation>到货 {delivery} 已经验收。</translation>
    </message>
    <message>
        <source>Finishing a count changes stock: it needs a manager&apos;s approval.</source>
        <translation>完成盘点会调整库存：需要店长批准。</translation>
    </message>
    <message>
        <source>Give the minimum, or --clear to go back to HQ&apos;s.</source>
        <translation>请给出最低库存，或用 --clear 恢复总部的设定。</translation>
    </message>
    <message>
        <source>HQ cannot be reached to settle {count} earlier mobile payment(s): mobile payments stay stopped until it answers.</source>
        <translation>无法连接总部核对之前的 {count} 笔移动支付：在总部答复前移动支付保持暂停。</translation>
    </message>
    <message>
        <source>HQ cannot be reached, so mobile payments cannot be collected now: take cash or a card, or try again when the network is back.</source>
        <translation>无法连接总部，现在不能收移动支付：请收现金或刷卡，或在网络恢复后再试。</translation>
    </message>
    <message>
        <source>HQ did not answer ({kind}).</source>
        <translation>总部没有应答（{kind}）。</translation>
    </message>
    <message>
        <source>HQ did not send the outcome of mobile refunds ({detail}); they are asked again at the next round.</source>
        <translation>总部没有发来移动支付退款的结果（{detail}）；下一轮同步时会再次查询。</translation>
    </message>
    <message>
        <source>HQ did not send this terminal&apos;s journal ({detail}): nothing more was changed. Call HQ.</source>
        <translation>总部没有发来本终端的流水（{detail}）：本机没有再做任何改动。请联系总部。</translation>
    </message>
    <message>
        <source>HQ has no payment {number}.</source>
        <translation>总部没有支付单 {number}。</translation>
    </message>
    <message>
        <source>HQ holds this terminal&apos;s journal up to entry {hq_seq}, this PC only up to entry {local_seq}: a sale now would fork the journal. Selling is stopped until a manager runs &apos;booth-pos journal recover&apos;.</source>
        <translation>总部已有本终端流水至第 {hq_seq} 条，本机只到第 {local_seq} 条：现在销售会使流水分叉。已停止销售，请店长运行 &apos;booth-pos journal recover&apos; 恢复后再卖。</translation>
    </message>
    <message>
        <source>HQ refused the mobile payment ({detail}): nothing was charged.</source>
        <translation>总部拒绝了这笔移动支付（{detail}）：未扣款。</translation>
    </message>
    <message>
        <source>HQ sent no entries after {seq}, though it holds this terminal&apos;s journal up to entry {hq_seq}: nothing more was changed. Run &apos;booth-pos journal recover&apos; again later.</source>
        <translation>总部已有本终端流水至第 {hq_seq} 条，却没有发来第 {seq} 条之后的记录：本机没有再做任何改动。请稍后再运行 &apos;booth-pos journal recover&apos;。</translation>
    </message>
    <message>
        <source>HQ stopped answering: the payment will be cancelled as soon as HQ answers, and any money taken goes back to the customer. Take another way to pay.</source>
        <translation>总部无应答：总部一恢复即撤销这笔支付，已扣的款退回顾客。请改用其他方式付款。</translation>
    </message>
    <message>
        <source>HQ&apos;s copy of this terminal&apos;s journal does not verify at entry {seq} ({reason}): nothing more was changed. Call HQ.</source>
        <translation>总部保存的本终端流水在第 {seq} 条校验失败（{reason}）：本机没有再做任何改动。请联系总部。</translation>
    </message>
    <message>
        <source>HQ&apos;s entry {seq} of this terminal&apos;s journal differs from this PC&apos;s: a sale now would fork the journal. Selling is stopped: a manager runs &apos;booth-pos journal recover&apos;, which says whether HQ must be called.</source>
        <translation>总部保存的本终端第 {seq} 条流水与本机不同：现在销售会使流水分叉。已停止销售：请店长运行 &apos;booth-pos journal recover&apos;，它会说明是否需要联系总部。</translation>
    </message>
    <message>
        <source>Journal entry {seq} is a {type} entry, not a Z report (z_close): there is no Z to show or reprint.</source>
        <translation>流水 {seq} 是 {type} 记录，不是日结报表（z_close）：没有可显示或补打的日结报表。</translation>
    </message>
    <message>
        <source>Keep the reason to {limit} characters.</source>
        <translation>原因请不超过 {limit} 个字。</translation>
    </message>
    <message>
        <source>Line {line} ({name}) has {left} left to refund, not {wanted}.</source>
        <translation>第 {line} 行（{name}）只能再退 {left}，不能退 {wanted}。</translation>
    </message>
    <message>
        <source>Line {line} ({name}) was already refunded.</source>
        <translation>第 {line} 行（{name}）已经退过。</translation>
    </message>
    <message>
        <source>Mobile payments are not set up for this booth at HQ: nothing was charged. Take another way to pay, and tell HQ.</source>
        <translation>总部尚未为本专柜开通移动支付：未扣任何款项。请改用其他方式收款，并告知总部。</translation>
    </message>
    <message>
        <source>Name the booth the goods go to by its HQ booth id (at most 64 characters).</source>
        <translation>请填写调入专柜的总部编号（不超过 64 个字符）。</translation>
    </message>
    <message>
        <source>No category {category} in the catalog: the categories are {categories}.</source>
        <translation>商品目录中没有“{category}”类别：现有类别为 {categories}。</translation>
    </message>
    <message>
        <source>No count is in progress: start one with &apos;booth-pos stock count start&apos;.</source>
        <translation>没有进行中的盘点：请用 &apos;booth-pos stock count start&apos; 开始。</translation>
    </message>
    <message>
        <source>No count {count} is in progress.</source>
        <translation>盘点 {count} 不在进行中。</translation>
    </message>
    <message>
        <source>No delivery {delivery} is expected here: see &apos;booth-pos stock deliveries&apos;, or sync first if HQ has just sent it.</source>
        <translation>本专柜没有待验收的到货 {delivery}：请查看 &apos;booth-pos stock deliveries&apos;；如果总部刚发出，请先同步。</translation>
    </message>
    <message>
        <source>No scanner port: give --port DEV or set scanner.port in booth.toml.</source>
        <translation>没有扫码枪端口：请用 --port DEV 指定，或在 booth.toml 中设置 scanner.port。</translation>
    </message>
    <message>
        <source>No shift has been closed on this terminal yet: there is no Z report.</source>
        <translation>本终端还没有结过班：没有日结报表。</translation>
    </message>
    <message>
        <source>No shift is open: a manager opens one with its float before selling.</source>
        <translation>没有开班：销售前请店长清点备用金开班。</translation>
    </message>
    <message>
        <source>No shift is open: a manager opens one with its float first.</source>
        <translation>没有进行中的班次：请店长先放入备用金开班。</translation>
    </message>
    <message>
        <source>No shift is open: there is nothing to close.</source>
        <translation>没有进行中的班次：无需结班。</translation>
    </message>
    <message>
        <source>No shift is open: there is nothing to report yet.</source>
        <translation>没有进行中的班次：暂无报表。</translation>
    </message>
    <message>
        <source>No {method} payments were taken in this shift: there is nothing to confirm.</source>
        <translation>本班次没有 {method} 收款：无需确认。</translation>
    </message>
    <message>
        <source>Nothing is left to pay: press Finish.</source>
        <translation>已付清：请按“完成收款”。</translation>
    </message>
    <message>
        <source>Nothing was counted yet: count at least one product, then finish.</source>
        <translation>还没有盘点任何商品：至少盘一种商品后再完成。</translation>
    </message>
    <message>
        <source>Only {left} of sale {receipt} was paid by {method} and not yet refunded.</source>
        <translation>销售 {receipt} 用 {method} 支付且尚未退还的只有 {left}。</translation>
    </message>
    <message>
        <source>Product {product} is not in this terminal&apos;s catalog yet: sync, then check the delivery in.</source>
        <translation>本机商品目录中还没有商品 {product}：请先同步，再验收。</translation>
    </message>
    <message>
        <source>Sale {receipt} was already refunded in full.</source>
        <translation>销售 {receipt} 已全部退款。</translation>
    </message>
    <message>
        <source>Sale {receipt} was already refunded in part: refund the rest instead.</source>
        <translation>销售 {receipt} 已部分退款：请对其余商品办理退款。</translation>
    </message>
    <message>
        <source>Sale {receipt} was made before this shift: refund it instead of voiding it.</source>
        <translation>销售 {receipt} 不是本班的：请办理退款，不能撤销。</translation>
    </message>
    <message>
        <source>Sale {receipt} was not paid by {method}: refund it in cash or by {methods}.</source>
        <translation>销售 {receipt} 不是用 {method} 支付的：请用现金或 {methods} 退款。</translation>
    </message>
    <message>
        <source>Say how the customer pays: --pay METHOD:FEN, or --code with their payment code.</source>
        <translation>请说明顾客如何付款：--pay 方式:分，或用 --code 传入付款码。</translation>
    </message>
    <message>
        <source>Say why the cash moves (--reason), e.g. &apos;change from the bank&apos;.</source>
        <translation>请说明现金存取的原因（--reason），例如“银行换零钱”。</translation>
    </message>
    <message>
        <source>Say why the drawer is opened (--reason), e.g. &apos;drawer test&apos;.</source>
        <translation>请说明打开钱箱的原因（--reason），例如“钱箱测试”。</translation>
    </message>
    <message>
        <source>Say why the goods are refunded, e.g. &apos;spoiled&apos;.</source>
        <translation>请说明退货原因，例如“变质”。</translation>
    </message>
    <message>
        <source>Say why the price is changed, e.g. &apos;damaged packaging&apos;.</source>
        <translation>请说明改价原因，例如“包装破损”。</translation>
    </message>
    <message>
        <source>Say why the sale is voided, e.g. &apos;rung up twice&apos;.</source>
        <translation>请说明撤销原因，例如“重复收款”。</translation>
    </message>
    <message>
        <source>That held sale is no longer held: someone resumed or discarded it.</source>
        <translation>该挂单已不存在：已被取回或作废。</translation>
    </message>
    <message>
        <source>The PIN file {path} is empty.</source>
        <translation>PIN 码文件 {path} 是空的。</translation>
    </message>
    <message>
        <source>The amount must be more than ￥0.00.</source>
        <translation>金额必须大于 ￥0.00。</translation>
    </message>
    <message>
        <source>The cart is empty: there is nothing to hold.</source>
        <translation>购物车是空的：没有可挂的单。</translation>
    </message>
    <message>
        <source>The counted notes and coins add up to {counted}, not the float {float}.</source>
        <translation>清点的纸币和硬币合计 {counted}，与备用金 {float} 不符。</translation>
    </message>
    <message>
        <source>The customer did not confirm in time: the payment was cancelled and nothing was charged. Scan a fresh code to try again.</source>
        <translation>顾客未及时确认：支付已撤销，未扣款。请扫描新的付款码再试。</translation>
    </message>
    <message>
        <source>The customer&apos;s balance is not enough: ask them to choose another card in their app, or to pay another way.</source>
        <translation>顾客余额不足：请顾客在应用中换一张卡，或改用其他方式付款。</translation>
    </message>
    <message>
        <source>The drawer should hold only {expected}: {amount} cannot be refunded in cash.</source>
        <translation>钱箱应有现金只有 {expected}：无法用现金退 {amount}。</translation>
    </message>
    <message>
        <source>The drawer should hold only {expected}: {amount} cannot be taken out.</source>
        <translation>钱箱应有现金仅 {expected}：不能取出 {amount}。</translation>
    </message>
    <message>
        <source>The payment code is not valid: ask the customer to refresh it, then scan it again.</source>
        <translation>付款码无效：请顾客刷新后重新扫描。</translation>
    </message>
    <message>
        <source>The payment did not go through ({reason}): nothing was charged. Ask the customer to try again or to pay another way.</source>
        <translation>支付未成功（{reason}）：未扣款。请顾客重试或改用其他方式付款。</translation>
    </message>
    <message>
        <source>The payment was cancelled: nothing was charged, and money already taken goes back to the customer.</source>
        <translation>支付已取消：未扣款，已扣的款退回顾客。</translation>
    </message>
    <message>
        <source>The sale has no line {line}.</source>
        <translation>这笔销售没有第 {line} 行。</translation>
    </message>
    <message>
        <source>The server address {server} is not https://: sales and the token would cross the network unencrypted. Use https://, or on a test bench set allow_insecure_http = true under [sync] in booth.toml.</source>
        <translation>服务器地址 {server} 不是 https://：销售记录和令牌将以明文在网络上传输。请使用 https://；测试环境可在 booth.toml 的 [sync] 下设置 allow_insecure_http = true。</translation>
    </message>
    <message>
        <source>The server asked this terminal to wait (HTTP {status}); sales are kept and will be sent in {seconds} s.</source>
        <translation>服务器要求本终端稍候（HTTP {status}）；销售记录已保存，{seconds} 秒后自动上传。</translation>
    </message>
    <message>
        <source>The server did not answer ({kind}): what was recovered so far is kept. Run &apos;booth-pos journal recover&apos; again when the network is back.</source>
        <translation>服务器没有响应（{kind}）：已恢复的部分已保存。网络恢复后请再运行 &apos;booth-pos journal recover&apos;。</translation>
    </message>
    <message>
        <source>The server did not say how much of this terminal&apos;s journal it holds ({detail}); sales are kept. If this goes on, call HQ.</source>
        <translation>服务器没有告知它保存了本终端多少流水（{detail}）；销售记录已保存。如果持续出现，请联系总部。</translation>
    </message>
    <message>
        <source>The server is busy (HTTP {status}); sales are kept and will be sent later.</source>
        <translation>服务器繁忙（HTTP {status}）；销售记录已保存，稍后自动上传。</translation>
    </message>
    <message>
        <source>The server no longer accepts this terminal&apos;s token (revoked, or another PC enrolled in its place): ask HQ for a replacement code (&apos;booth-pos-server enroll-code BOOTH --replaces TERMINAL&apos;), enrol with it (&apos;booth-pos enroll&apos;), then run &apos;booth-pos journal recover&apos; if sync says the journal is behind HQ.</source>
        <translation>服务器不再接受本终端的令牌（已吊销，或另一台电脑已顶替本终端注册）：请向总部索取替换注册码（&apos;booth-pos-server enroll-code 专柜 --replaces 终端&apos;），用它注册（&apos;booth-pos enroll&apos;）；如同步提示流水落后于总部，再运行 &apos;booth-pos journal recover&apos;。</translation>
    </message>
    <message>
        <source>The terminal database failed ({reason}): nothing was recorded.</source>
        <translation>终端数据库出错（{reason}）：本次操作未记录。</translation>
    </message>
    <message>
        <source>The terminal database is busy with another program: nothing was recorded. Try again.</source>
        <translation>终端数据库正被其他程序占用：本次操作未记录，请重试。</translation>
    </message>
    <message>
        <source>The terminal database {path} is damaged: nothing was recorded. Call IT support; do not delete the file, it holds unsynced sales.</source>
        <translation>终端数据库 {path} 已损坏：本次操作未记录。请联系技术支持；不要删除该文件，其中有尚未上传的销售记录。</translation>
    </message>
    <message>
        <source>The two PINs differ: nothing was changed.</source>
        <translation>两次输入的 PIN 码不一致：未做任何更改。</translation>
    </message>
    <message>
        <source>The {method} payment must be more than {minimum}.</source>
        <translation>{method} 付款金额必须大于 {minimum}。</translation>
    </message>
    <message>
        <source>The {method} payment {number} is not a paid mobile payment of {amount} waiting for this sale: nothing was recorded.</source>
        <translation>{method} 支付 {number} 不是等待这笔销售的已付 {amount} 移动支付：未记录任何内容。</translation>
    </message>
    <message>
        <source>There is already a user named {name}.</source>
        <translation>已有名为 {name} 的用户。</translation>
    </message>
    <message>
        <source>There is no cashier named &apos;{name}&apos; on this terminal.</source>
        <translation>本终端没有名为“{name}”的收银员。</translation>
    </message>
    <message>
        <source>There is no journal entry {seq} on this terminal.</source>
        <translation>本机没有流水 {seq}。</translation>
    </message>
    <message>
        <source>There is no line {line} in the cart.</source>
        <translation>购物车中没有第 {line} 行。</translation>
    </message>
    <message>
        <source>This PC&apos;s journal holds entries HQ does not: from entry {seq} on they differ from HQ&apos;s (the journals have forked). Nothing was changed. Call HQ, and sell on this terminal only when they say so.</source>
        <translation>本机流水中有总部没有的记录：从第 {seq} 条起与总部不同（流水已分叉）。本机没有做任何改动。请联系总部，得到总部同意后才能在本终端销售。</translation>
    </message>
    <message>
        <source>This needs a PIN and there is nobody to type it: use --pin-file PATH or the BOOTH_POS_PIN variable.</source>
        <translation>此操作需要 PIN 码，但没有可输入的终端：请使用 --pin-file PATH 或环境变量 BOOTH_POS_PIN。</translation>
    </message>
    <message>
        <source>This terminal is not enrolled: run &apos;booth-pos enroll --server URL --code CODE&apos;.</source>
        <translation>本终端尚未注册：请运行 &apos;booth-pos enroll --server URL --code CODE&apos;。</translation>
    </message>
    <message>
        <source>Too many wrong PINs for {name}: try again in {seconds} s.</source>
        <translation>{name} 密码错误次数过多：请 {seconds} 秒后再试。</translation>
    </message>
    <message>
        <source>Unknown barcode {code}: it is not in the catalog. Check the product or ask HQ to add it.</source>
        <translation>未知条码 {code}：商品目录中没有。请核对商品，或请总部添加。</translation>
    </message>
    <message>
        <source>Unknown payment method &apos;{method}&apos;: use one of {methods}.</source>
        <translation>未知付款方式“{method}”：请使用 {methods} 之一。</translation>
    </message>
    <message>
        <source>Voiding a paid sale needs a manager&apos;s approval.</source>
        <translation>撤销已付款的销售需要店长批准。</translation>
    </message>
    <message>
        <source>Weighed label {code} shows a weight of 0 g: re-weigh the item and print a new label.</source>
        <translation>重量秤签 {code} 的重量为 0 克：请重新称重并打印新秤签。</translation>
    </message>
    <message>
        <source>Weight check digit is wrong on weighed label {code} (expected {expected}): rescan, or re-weigh the item and print a new label.</source>
        <translation>重量秤签 {code} 的重量校验位错误（应为 {expected}）：请重新扫描，或重新称重并打印新秤签。</translation>
    </message>
    <message>
        <source>Weight in grams must be between {low} and {high}, not {value}.</source>
        <translation>重量（克）必须在 {low} 到 {high} 之间，不能是 {value}。</translation>
    </message>
    <message>
        <source>Wrong PIN for {name}. Locked for {seconds} s after too many wrong PINs.</source>
        <translation>{name} 密码错误。错误次数过多，已锁定 {seconds} 秒。</translation>
    </message>
    <message>
        <source>Wrong PIN for {name}: {left} more tries before a lockout.</source>
        <translation>{name} 密码错误：再错 {left} 次将被锁定。</translation>
    </message>
    <message>
        <source>{code} is a carton code (GTIN-14 starting with {first}), not a single item: scan the barcode on the item itself.</source>
        <translation>{code} 是整箱条码（以 {first} 开头的 GTIN-14），不是单件商品：请扫描商品本身的条码。</translation>
    </message>
    <message>
        <source>{code} is a customer&apos;s payment code: take it at payment, not as a product.</source>
        <translation>{code} 是顾客的付款码：请在收款时扫描，不是商品。</translation>
    </message>
    <message>
        <source>{code} is a scale label: add it with its weight or price.</source>
        <translation>{code} 是秤签：请按重量或金额添加。</translation>
    </message>
    <message>
        <source>{code} is named twice: give each product once.</source>
        <translation>{code} 出现了两次：每种商品只写一次。</translation>
    </message>
    <message>
        <source>{code} is not a WeChat Pay or Alipay payment code: ask the customer to show it again.</source>
        <translation>{code} 不是微信或支付宝付款码：请顾客重新出示。</translation>
    </message>
    <message>
        <source>{code} is not a barcode this terminal reads.</source>
        <translation>{code} 不是本终端能识别的条码。</translation>
    </message>
    <message>
        <source>{code} is not a valid scale label.</source>
        <translation>{code} 不是有效的秤签。</translation>
    </message>
    <message>
        <source>{count} earlier mobile payment(s) are still being settled with HQ: mobile payments resume once HQ has answered for them. Take cash or a card meanwhile.</source>
        <translation>之前的 {count} 笔移动支付仍在与总部核对：总部答复后恢复移动支付。期间请收现金或刷卡。</translation>
    </message>
    <message>
        <source>{count} held sale(s) are still waiting: close with --held keep to keep them for the next shift, or --held discard to drop them.</source>
        <translation>还有 {count} 笔挂单未处理：结班时加 --held keep 保留到下一班，或加 --held discard 作废。</translation>
    </message>
    <message>
        <source>{directory} is read-only: nothing was recorded. Ask IT to make the data directory writable, then try again.</source>
        <translation>{directory} 为只读：本次操作未记录。请联系技术人员将数据目录设为可写后重试。</translation>
    </message>
    <message>
        <source>{home} already belongs to terminal {existing}: refusing to make it {terminal_id}. Use another --home.</source>
        <translation>{home} 已属于终端 {existing}：不能改为 {terminal_id}。请使用其他 --home。</translation>
    </message>
    <message>
        <source>{home} has no terminal set up: run &apos;booth-pos init --terminal ID --booth-name NAME&apos; first.</source>
        <translation>{home} 尚未设置终端：请先运行 &apos;booth-pos init --terminal ID --booth-name NAME&apos;。</translation>
    </message>
    <message>
        <source>{method} is {variance} off (counted {counted}, expected {expected}): say why (--reason) to close the shift.</source>
        <translation>{method} 差额 {variance}（实点 {counted}，应有 {expected}）：请说明原因（--reason）后结班。</translation>
    </message>
    <message>
        <source>{name} carries its price on the scale label: weigh it again instead.</source>
        <translation>{name} 的价格印在秤签上：请重新称重。</translation>
    </message>
    <message>
        <source>{name} is a cashier: only a manager may approve this.</source>
        <translation>{name} 是收银员：只有店长可以授权。</translation>
    </message>
    <message>
        <source>{name} is not in this count: it counts category {category} only.</source>
        <translation>{name} 不在本次盘点范围内：本次只盘“{category}”类别。</translation>
    </message>
    <message>
        <source>{name} is sold by the piece, not by weight.</source>
        <translation>{name} 按件销售，不按重量。</translation>
    </message>
    <message>
        <source>{name} is sold by weight: weigh it or scan its scale label.</source>
        <translation>{name} 按重量销售：请称重或扫描秤签。</translation>
    </message>
    <message>
        <source>{name} is weighed: change its weight, not its quantity.</source>
        <translation>{name} 为称重商品：请修改重量，而不是数量。</translation>
    </message>
    <message>
        <source>{name}: {received} received against {expected} expected. Say why: {reasons}.</source>
        <translation>{name}：应到 {expected}，实收 {received}。请选择原因：{reasons}。</translation>
    </message>
    <message>
        <source>{path} is not valid TOML ({reason}): fix or remove it.</source>
        <translation>{path} 不是有效的 TOML 文件（{reason}）：请修正或删除。</translation>
    </message>
    <message>
        <source>{product} is not on delivery {delivery}: scan it first.</source>
        <translation>{product} 不在到货单 {delivery} 上：请先扫码。</translation>
    </message>
    <message>
        <source>{qty} is not a count of {name}: give whole pieces, or grams for goods sold by the kg, of 0 or more.</source>
        <translation>{qty} 不是 {name} 的盘点数：请填 0 或以上的整件数，称重商品填克数。</translation>
    </message>
    <message>
        <source>{qty} is not a minimum stock of {name}: give whole pieces, or grams for goods sold by the kg, of 0 or more.</source>
        <translation>{qty} 不是 {name} 的最低库存：请填 0 或以上的整件数，称重商品填克数。</translation>
    </message>
    <message>
        <source>{qty} is not a quantity of {name}: give whole pieces, or grams for goods sold by the kg, of 0 or more.</source>
        <translation>{qty} 不是 {name} 的数量：请填 0 或以上的整件数，称重商品填克数。</translation>
    </message>
    <message>
        <source>{qty} is not a whole number: give pieces, or grams for goods sold by the kg.</source>
        <translation>{qty} 不是整数：请填件数，称重商品填克数。</translation>
    </message>
    <message>
        <source>{qty} of {name} is more than one count can hold.</source>
        <translation>{name} 的 {qty} 超出了一次盘点的上限。</translation>
    </message>
    <message>
        <source>{qty} of {name} is more than one delivery can hold.</source>
        <translation>{name} 的 {qty} 超出了一次到货的上限。</translation>
    </message>
    <message>
        <source>{reason} is not a check-in reason: say {reasons}.</source>
        <translation>{reason} 不是验收原因：请选择 {reasons}。</translation>
    </message>
    <message>
        <source>{value} fen is counted twice.</source>
        <translation>{value} 分面额重复清点。</translation>
    </message>
    <message>
        <source>{value} fen is not a banknote or coin: use 10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 2 or 1.</source>
        <translation>{value} 分不是纸币或硬币面额：请用 10000、5000、2000、1000、500、100、50、10、5、2 或 1。</translation>
    </message>
    <message>
        <source>{value} is not CODE={what}, e.g. 6970006000011=12.</source>
        <translation>{value} 不是 条码={what} 的格式，例如 6970006000011=12。</translation>
    </message>
    <message>
        <source>{where}: &apos;{table}&apos; should be a [table].</source>
        <translation>{where}：“{table}”应为 [表]。</translation>
    </message>
    <message>
        <source>{where}: [barcode] {reason}</source>
        <translation>{where}：[barcode] {reason}</translation>
    </message>
    <message>
        <source>{where}: [printer] {reason}</source>
        <translation>{where}：[printer] {reason}</translation>
    </message>
    <message>
        <source>{where}: booth.timezone &apos;{timezone}&apos; is not a time zone.</source>
        <translation>{where}：booth.timezone“{timezone}”不是有效时区。</translation>
    </message>
    <message>
        <source>{where}: display.encoding must be &apos;ascii&apos; or &apos;gbk&apos;.</source>
        <translation>{where}：display.encoding 必须是 &apos;ascii&apos; 或 &apos;gbk&apos;。</translation>
    </message>
    <message>
        <source>{where}: display.protocol must be &apos;cd5220&apos; or &apos;epson&apos;.</source>
        <translation>{where}：display.protocol 必须是 &apos;cd5220&apos; 或 &apos;epson&apos;。</translation>
    </message>
    <message>
        <source>{where}: payments.poll_ms must be 50 to 10000.</source>
        <translation>{where}：payments.poll_ms 必须在 50 到 10000 之间。</translation>
    </message>
    <message>
        <source>{where}: pin.free_attempts and pin.lockout_seconds must be at least 1.</source>
        <translation>{where}：pin.free_attempts 和 pin.lockout_seconds 至少为 1。</translation>
    </message>
    <message>
        <source>{where}: printer.drawer_pin is the drawer connector pin, 2 or 5.</source>
        <translation>{where}：printer.drawer_pin 是钱箱接口针脚，2 或 5。</translation>
    </message>
    <message>
        <source>{where}: printer.language must be &apos;zh_CN&apos; or &apos;en&apos;.</source>
        <translation>{where}：printer.language 必须是 &apos;zh_CN&apos; 或 &apos;en&apos;。</translation>
    </message>
    <message>
        <source>{where}: printer.status_poll_s must be 0 (never) to 3600 seconds.</source>
        <translation>{where}：printer.status_poll_s 必须在 0（从不）到 3600 秒之间。</translation>
    </message>
    <message>
        <source>{where}: printer.{name} must be 1 to 3600.</source>
        <translation>{where}：printer.{name} 必须在 1 到 3600 之间。</translation>
    </message>
    <message>
        <source>{where}: sale.cash_rounding must be &apos;none&apos;, &apos;down_jiao&apos; or &apos;nearest_jiao&apos;.</source>
        <translation>{where}：sale.cash_rounding 必须是 &apos;none&apos;、&apos;down_jiao&apos; 或 &apos;nearest_jiao&apos;。</translation>
    </message>
    <message>
        <source>{where}: sale.certificate_policy must be &apos;warn&apos; or &apos;block&apos;.</source>
        <translation>{where}：sale.certificate_policy 必须是 &apos;warn&apos; 或 &apos;block&apos;。</translation>
    </message>
    <message>
        <source>{where}: sale.discount_limit_pct must be 0 to 100.</source>
        <translation>{where}：sale.discount_limit_pct 必须在 0 到 100 之间。</translation>
    </message>
    <message>
        <source>{where}: sale.quick_keys_per_category must be at least 1.</source>
        <translation>{where}：sale.quick_keys_per_category 至少为 1。</translation>
    </message>
    <message>
        <source>{where}: scale.protocol must be &apos;toledo8217&apos; or &apos;continuous&apos;.</source>
        <translation>{where}：scale.protocol 必须是 &apos;toledo8217&apos; 或 &apos;continuous&apos;。</translation>
    </message>
    <message>
        <source>{where}: scanner.max_gap_ms must be 5 to 500 and scanner.min_length 1 to 64.</source>
        <translation>{where}：scanner.max_gap_ms 必须在 5 到 500 之间，scanner.min_length 在 1 到 64 之间。</translation>
    </message>
    <message>
        <source>{where}: scanner.suffix must be &apos;enter&apos; or &apos;tab&apos;.</source>
        <translation>{where}：scanner.suffix 必须是 &apos;enter&apos; 或 &apos;tab&apos;。</translation>
    </message>
    <message>
        <source>{where}: shift.variance_threshold_fen cannot be negative.</source>
        <translation>{where}：shift.variance_threshold_fen 不能为负数。</translation>
    </message>
    <message>
        <source>{where}: sync.interval_s must be 5 to 3600 seconds.</source>
        <translation>{where}：sync.interval_s 必须在 5 到 3600 秒之间。</translation>
    </message>
    <message>
        <source>{where}: unknown setting {table}.{key}; see docs/configuration.md.</source>
        <translation>{where}：未知设置 {table}.{key}；请参阅 docs/configuration.md。</translation>
    </message>
    <message>
        <source>{where}: {table}.baud must be one of 1200, 2400, 4800, 9600, 19200, 38400, 57600 or 115200.</source>
        <translation>{where}：{table}.baud 必须是 1200、2400、4800、9600、19200、38400、57600 或 115200 之一。</translation>
    </message>
    <message>
        <source>{where}: {table}.{key} should be a list of text, like [&quot;10001&quot;, &quot;10002&quot;].</source>
        <translation>{where}：{table}.{key} 应为文字列表，例如 [&quot;10001&quot;, &quot;10002&quot;]。</translation>
    </message>
    <message>
        <source>{where}: {table}.{key} should be a whole number, without quotes.</source>
        <translation>{where}：{table}.{key} 应为整数，不加引号。</translation>
    </message>
    <message>
        <source>{where}: {table}.{key} should be text in double quotes.</source>
        <translation>{where}：{table}.{key} 应为用双引号括起的文字。</translation>
    </message>
    <message>
        <source>{where}: {table}.{key} should be true or false, without quotes.</source>
        <translation>{where}：{table}.{key} 应为 true 或 false，不加引号。</translation>
    </message>
</context>
</TS>
