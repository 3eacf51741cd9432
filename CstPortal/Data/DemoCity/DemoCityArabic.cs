namespace CstPortal.Data.DemoCity;

/// <summary>The demo city's categories and their extra questions in Arabic (seeded as translation rows).</summary>
public static class DemoCityArabic
{
    public sealed record QuestionText(string Prompt, string Options = "");

    public sealed record CategoryText(string Name, string Group, string Description, IReadOnlyDictionary<string, QuestionText> Questions);

    private const string YesNo = "yes=نعم\nno=لا";

    /// <summary>By category code; questions by question code, options as "key=Label" lines.</summary>
    public static readonly IReadOnlyDictionary<string, CategoryText> Categories = new Dictionary<string, CategoryText>
    {
        ["pothole"] = new("حفرة في الطريق", "الطرق", "حفرة أو تلف في سطح الطريق", new Dictionary<string, QuestionText>
        {
            ["size"] = new("ما حجمها؟", "small=أصغر من طبق\nmedium=بحجم عجلة سيارة تقريبًا\nlarge=أكبر من عجلة سيارة"),
            ["lane"] = new("هل هي في مسار السير؟", "yes=نعم\nno=لا، على حافة الطريق أو في موقف السيارات"),
        }),
        ["sidewalk"] = new("رصيف متضرر", "الطرق", "بلاط مكسور أو مرتفع أو مفقود", new Dictionary<string, QuestionText>
        {
            ["trip"] = new("هل يمكن أن يتعثر به المارة؟", YesNo),
        }),
        ["signal"] = new("عطل في إشارة المرور", "الطرق", "إشارات مرور مطفأة أو عالقة أو وامضة", new Dictionary<string, QuestionText>
        {
            ["state"] = new("ما حال الإشارة؟", "dark=مطفأة تمامًا\nflashing=وامضة\nstuck=عالقة على لون واحد"),
        }),
        ["streetlight"] = new("إنارة شارع معطلة", "الإنارة", "مصباح شارع مطفأ أو متقطع أو مضاء في النهار", new Dictionary<string, QuestionText>
        {
            ["pole"] = new("رقم العمود (على اللوحة المثبتة عليه)"),
            ["count"] = new("كم مصباحًا معطلًا؟"),
        }),
        ["lightpole"] = new("عمود إنارة متضرر", "الإنارة", "عمود إنارة مائل أو ساقط أو مفتوح", new Dictionary<string, QuestionText>
        {
            ["wires"] = new("هل هناك أسلاك مكشوفة؟", YesNo),
        }),
        ["bulky"] = new("جمع المخلفات الكبيرة", "النفايات", "أثاث أو فرش أو أجهزة متروكة للجمع", new Dictionary<string, QuestionText>
        {
            ["items"] = new("ما المخلفات؟", "furniture=أثاث\nmattress=فرشة\nappliance=جهاز منزلي\nelectronics=أجهزة إلكترونية\nother=أخرى"),
        }),
        ["dumping"] = new("رمي النفايات بشكل غير قانوني", "النفايات", "نفايات مرمية في مكان عام", new Dictionary<string, QuestionText>
        {
            ["amount"] = new("ما كميتها؟", "bags=بضعة أكياس\ncarload=حمولة سيارة\ntruckload=حمولة شاحنة أو أكثر"),
            ["hazard"] = new("هل فيها مواد خطرة (كيماويات أو إبر أو أسبستوس)؟", "yes=نعم\nno=لا\nunsure=لست متأكدًا"),
        }),
        ["missed"] = new("حاوية لم تُجمع", "النفايات", "حاويات المنازل لم تُجمع في موعدها", new Dictionary<string, QuestionText>
        {
            ["bin"] = new("أي حاوية؟", "general=النفايات العامة\nrecycling=إعادة التدوير\ngarden=مخلفات الحدائق"),
        }),
        ["litterbin"] = new("سلة مهملات ممتلئة", "النفايات", "سلة مهملات عامة ممتلئة أو مكسورة", new Dictionary<string, QuestionText>()),
        ["leak"] = new("تسرب مياه", "المياه", "مياه تتسرب من أنبوب أو صنبور حريق أو من الطريق", new Dictionary<string, QuestionText>
        {
            ["flow"] = new("ما قوة التدفق؟", "trickle=تقطير خفيف\nsteady=تدفق مستمر\ngushing=تدفق غزير"),
        }),
        ["drain"] = new("مصرف مسدود", "المياه", "مصرف أو بالوعة أمطار مسدودة", new Dictionary<string, QuestionText>
        {
            ["flooding"] = new("هل الطريق مغمور بالمياه؟", YesNo),
        }),
        ["sewer"] = new("رائحة أو فيضان صرف صحي", "المياه", "رائحة صرف صحي أو فيضانه", new Dictionary<string, QuestionText>()),
        ["playground"] = new("ملعب أطفال متضرر", "الحدائق", "ألعاب مكسورة أو غير آمنة", new Dictionary<string, QuestionText>
        {
            ["equipment"] = new("أي لعبة؟"),
        }),
        ["tree"] = new("شجرة ساقطة أو خطرة", "الحدائق", "شجرة أو غصن ساقط، أو شجرة قد تسقط", new Dictionary<string, QuestionText>
        {
            ["blocking"] = new("هل تسد الطريق أو الممر؟", "road=الطريق\npath=ممرًا\nnone=لا هذا ولا ذاك"),
        }),
        ["graffiti"] = new("كتابات على الجدران", "الحدائق", "كتابات أو رسوم على الممتلكات العامة", new Dictionary<string, QuestionText>
        {
            ["offensive"] = new("هل هي مسيئة؟", YesNo),
        }),
    };
}
