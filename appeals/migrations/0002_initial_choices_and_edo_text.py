"""The starting lists of the appeal form and the e-document page's text;
staff change them in admin afterwards."""

from django.db import migrations

PREMISES_TYPES = [
    "Нежилое помещение в МКД",
    "Отдельно стоящее здание",
    "Встроенно-пристроенное помещение",
    "Производственное или складское помещение",
    "Прочее",
]
APPEAL_TYPES = [
    "Заключение договора",
    "Изменение договора",
    "Расторжение договора",
    "Перерасчет",
    "Прочее",
]
BRANCHES = [("АО «ЭнСер»", "abonent@rm-enser.ru")]

EDO_TITLE = "Электронный документооборот"
EDO_TEXT = """\
АО «ЭнСер» обменивается с юридическими лицами и индивидуальными предпринимателями электронными документами: счетами, счетами-фактурами (УПД), актами сверки, договорами и дополнительными соглашениями к ним. Электронный документ, подписанный усиленной квалифицированной электронной подписью, равнозначен бумажному (Федеральный закон от 06.04.2011 № 63-ФЗ «Об электронной подписи»).

Преимущества электронного документооборота:
- документы приходят в день выставления, без почтовых задержек;
- не нужно хранить бумажные оригиналы и пересылать их курьером;
- статус каждого документа виден в системе оператора.

Мы работаем через операторов электронного документооборота:
- АО «ПФ «СКБ Контур» (Диадок), https://www.diadoc.ru
- ООО «Компания «Тензор» (СБИС), https://sbis.ru
- АО «Калуга Астрал» (Астрал.ЭДО), https://astral.ru

Если Ваш оператор другой, мы настроим роуминг: сообщите нам название оператора и идентификатор участника ЭДО.

Как подключиться:
- получите квалифицированную электронную подпись руководителя или уполномоченного лица;
- подключитесь к одному из операторов ЭДО и узнайте идентификатор участника;
- отправьте приглашение к обмену АО «ЭнСер» (ИНН 7415061109, КПП 741501001) в системе оператора или направьте заявление о переходе на электронный документооборот через «Оформить обращение» в личном кабинете (вид обращения «Прочее»);
- после подтверждения приглашения документы по договору будут приходить в электронном виде.

По вопросам подключения звоните: 8(3513)29-15-35 (будни с 8:00 до 17:00) или пишите на abonent@rm-enser.ru.
"""


def forwards(apps, schema_editor):
    for model_name, names in [("PremisesType", PREMISES_TYPES), ("AppealType", APPEAL_TYPES)]:
        model = apps.get_model("appeals", model_name)
        for position, name in enumerate(names, start=1):
            model.objects.get_or_create(name=name, defaults={"position": position * 10})
    branch = apps.get_model("appeals", "Branch")
    for position, (name, email) in enumerate(BRANCHES, start=1):
        branch.objects.get_or_create(name=name, defaults={"email": email, "position": position * 10})
    edo = apps.get_model("appeals", "EdoInformation")
    if not edo.objects.exists():
        edo.objects.create(title=EDO_TITLE, text=EDO_TEXT)


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
