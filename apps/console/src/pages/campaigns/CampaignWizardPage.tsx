import type { TFunction } from 'i18next';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Card,
  Checkbox,
  Col,
  Collapse,
  Descriptions,
  Divider,
  Empty,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Steps,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { Fragment, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';

import { api, unwrap } from '../../api/client';
import type {
  SchemaAuthorizerSummaryDto,
  SchemaCreateCampaignDto,
  SchemaTemplateDto,
} from '../../api/schema';
import { useAuth } from '../../auth/AuthProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RequireComponent } from '../../components/RequireComponent';
import { parseJsonObject, parseTargetValues, renderExtJson, targetsMissing } from './ext-json-preview';
import {
  MAX_AUDIT_ITEMS,
  MAX_PRIVACY_SETTINGS,
  PRIVACY_KEYS,
  UGC_METHODS,
  UGC_SCENES,
  WIZARD_DEFAULTS,
  WizardInputError,
  auditItemsProblem,
  chosenTargetCount,
  grayPlanProblem,
  normalizeUgcScene,
  privacyContactProblem,
  privacySettingsProblem,
  sectionOf,
  splitBizRefs,
  toCreateCampaignDto,
  ugcSceneProblem,
  type AuditItemValues,
  type WizardProblem,
  type WizardSection,
  type WizardValues,
} from './wizard-form';
import './messages';

type Authorizer = SchemaAuthorizerSummaryDto;
interface AuthorizerOption {
  value: string;
  label: string;
  authorizer: Authorizer;
}

const STEP_FIELDS: (keyof WizardValues)[][] = [
  [
    'templateId',
    'userVersion',
    'userDesc',
    'targetMode',
    'authorizerAppids',
    'filterKind',
    'bizRefsText',
    'bizRefPrefix',
  ],
  ['extJsonText', 'valuesText'],
  [
    'versionDesc',
    'feedbackInfo',
    'auditItems',
    'ugcScene',
    'ugcOtherSceneDesc',
    'ugcMethod',
    'ugcAuditDesc',
    'privacyContactEmail',
    'privacyContactPhone',
    'privacyContactQq',
    'privacyContactWeixin',
    'privacyNoticeMethod',
    'privacyStoreExpireDays',
    'privacyExtFileMediaId',
    'privacySettings',
    'requestDomain',
    'wsRequestDomain',
    'uploadDomain',
    'downloadDomain',
    'udpDomain',
    'tcpDomain',
    'webviewDomains',
  ],
  [
    'releaseMode',
    'graySteps',
    'canarySize',
    'canaryMaxRejectionPercent',
    'autoPauseMaxRejectionPercent',
    'autoPauseMinResults',
    'speedupAfterSeconds',
    'releaseWindowStartHour',
    'releaseWindowEndHour',
    'releaseWindowUtcOffsetMinutes',
    'concurrency',
    'quotaReserve',
    'pollAfterSeconds',
  ],
];

const DOMAIN_URL = /^(https|wss|udp|tcp):\/\/[a-zA-Z0-9.-]+(:\d{1,5})?$/;
const WEBVIEW_URL = /^https:\/\/[a-zA-Z0-9.-]+(:\d{1,5})?$/;

/** Code management (permission set 18) and a working credential: what a campaign target needs. */
function releasable(authorizer: Authorizer): boolean {
  return authorizer.funcInfo.includes(18) && authorizer.credentialStatus === 'active';
}

/** A mini program as an option of the target and preview selects (its nickname, appid, bizRef). */
function optionOf(authorizer: Authorizer, t: TFunction<'campaigns'>): AuthorizerOption {
  return {
    value: authorizer.authorizerAppid,
    label:
      `${authorizer.nickName ?? t('wizard.noNickName')} · ${authorizer.authorizerAppid}` +
      (authorizer.bizRef ? ` · ${authorizer.bizRef}` : '') +
      (releasable(authorizer) ? '' : ` · ${t('wizard.notReleasable')}`),
    authorizer,
  };
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

function Wizard({ componentAppid }: { componentAppid: string }) {
  const { t } = useTranslation('campaigns');
  const { can } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<WizardValues>();
  const [current, setCurrent] = useState(0);
  const [openSections, setOpenSections] = useState<WizardSection[]>([]);
  const [search, setSearch] = useState('');
  const debouncedSearch = useDebounced(search.trim(), 300);
  /** Profiles of the mini programs chosen (or previewed), kept when they leave the search results. */
  const [profiles, setProfiles] = useState<Record<string, Authorizer>>({});
  const [previewAppid, setPreviewAppid] = useState<string>();
  const mayListAuthorizers = can('GET /admin/v1/components/{componentAppid}/authorizers');

  const templates = useQuery({
    queryKey: ['campaign-wizard', 'templates', componentAppid],
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/components/{componentAppid}/templates', {
          params: { path: { componentAppid }, query: { limit: 200, sort: 'createdAt', order: 'desc' } },
        }),
      ),
  });
  const authorizers = useQuery({
    queryKey: ['campaign-wizard', 'authorizers', componentAppid, debouncedSearch],
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/components/{componentAppid}/authorizers', {
          params: {
            path: { componentAppid },
            query: {
              authorizerType: 'mini_program',
              status: 'authorized',
              ...(debouncedSearch ? { name: debouncedSearch } : {}),
              limit: 50,
            },
          },
        }),
      ),
    enabled: mayListAuthorizers,
    placeholderData: keepPreviousData,
  });
  const create = useMutation({
    mutationFn: (body: SchemaCreateCampaignDto) => unwrap(api.POST('/admin/v1/campaigns', { body })),
    onSuccess: (campaign) => {
      void message.success(t('wizard.created', { targets: campaign.targets }));
      void navigate(`/campaigns/${campaign.campaignId}`);
    },
  });

  const targetMode = Form.useWatch('targetMode', form) ?? WIZARD_DEFAULTS.targetMode;
  const filterKind = Form.useWatch('filterKind', form) ?? WIZARD_DEFAULTS.filterKind;
  const watchedAppids = Form.useWatch('authorizerAppids', form);
  const authorizerAppids = useMemo(() => watchedAppids ?? [], [watchedAppids]);
  const bizRefsText = Form.useWatch('bizRefsText', form) ?? '';
  const bizRefPrefix = (Form.useWatch('bizRefPrefix', form) ?? '').trim();
  const debouncedPrefix = useDebounced(bizRefPrefix, 300);
  const mayCountTargets = can('GET /admin/v1/components/{componentAppid}/campaign-targets/count');
  // What a prefix takes now, counted by admin-api with code-release's criteria (fixed at creation).
  const prefixCount = useQuery({
    queryKey: ['campaign-wizard', 'prefix-count', componentAppid, debouncedPrefix],
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/components/{componentAppid}/campaign-targets/count', {
          params: { path: { componentAppid }, query: { bizRefPrefix: debouncedPrefix } },
        }),
      ),
    enabled:
      mayCountTargets && debouncedPrefix !== '' && targetMode === 'filter' && filterKind === 'bizRefPrefix',
    refetchInterval: 10_000,
  });
  const extJsonText = Form.useWatch('extJsonText', form) ?? WIZARD_DEFAULTS.extJsonText;
  const valuesText = Form.useWatch('valuesText', form) ?? '';
  const releaseMode = Form.useWatch('releaseMode', form) ?? WIZARD_DEFAULTS.releaseMode;
  const templateId = Form.useWatch('templateId', form);
  const serverDomainsEnabled = Form.useWatch('serverDomainsEnabled', form) ?? false;
  const webviewDomainsEnabled = Form.useWatch('webviewDomainsEnabled', form) ?? false;
  const watchedAuditItems = Form.useWatch('auditItems', form) as AuditItemValues[] | undefined;
  const auditItemCount = watchedAuditItems?.length ?? 0;
  const ugcDeclareEnabled = Form.useWatch('ugcDeclareEnabled', form) ?? false;
  const watchedUgcScene = Form.useWatch('ugcScene', form);
  const ugcScene = useMemo(() => watchedUgcScene ?? [], [watchedUgcScene]);
  const privacyEnabled = Form.useWatch('privacyEnabled', form) ?? false;
  const canaryEnabled = Form.useWatch('canaryEnabled', form) ?? false;
  const autoPauseEnabled = Form.useWatch('autoPauseEnabled', form) ?? false;
  const speedupEnabled = Form.useWatch('speedupEnabled', form) ?? false;
  const releaseWindowEnabled = Form.useWatch('releaseWindowEnabled', form) ?? false;
  const concurrency = Form.useWatch('concurrency', form) ?? WIZARD_DEFAULTS.concurrency;
  const quotaReserve = Form.useWatch('quotaReserve', form) ?? WIZARD_DEFAULTS.quotaReserve;

  const count = chosenTargetCount(
    { targetMode, authorizerAppids, filterKind, bizRefsText },
    bizRefPrefix !== '' && bizRefPrefix === debouncedPrefix ? prefixCount.data?.count : undefined,
  );
  const template = templates.data?.items.find((item) => item.templateId === templateId);

  const toOption = (authorizer: Authorizer) => optionOf(authorizer, t);
  const found = useMemo(() => authorizers.data?.items ?? [], [authorizers.data]);
  const targetOptions: AuthorizerOption[] = useMemo(() => {
    const options = found.map((authorizer) => optionOf(authorizer, t));
    const listed = new Set(options.map((option) => option.value));
    for (const appid of authorizerAppids)
      if (!listed.has(appid) && profiles[appid]) options.unshift(optionOf(profiles[appid], t));
    return options;
  }, [found, authorizerAppids, profiles, t]);
  const remember = (list: readonly Authorizer[]) =>
    setProfiles((known) => ({ ...known, ...Object.fromEntries(list.map((a) => [a.authorizerAppid, a])) }));

  // ext.json preview for one target, rendered as code-release will.
  const parsedTemplate = parseJsonObject(extJsonText);
  const parsedValues = parseTargetValues(valuesText);
  const previewCandidates: AuthorizerOption[] =
    targetMode === 'explicit'
      ? authorizerAppids.map((appid) =>
          profiles[appid]
            ? toOption(profiles[appid])
            : { value: appid, label: appid, authorizer: { authorizerAppid: appid } as Authorizer },
        )
      : targetOptions;
  const previewTarget =
    previewCandidates.find((option) => option.value === previewAppid) ??
    (targetMode === 'explicit' ? previewCandidates[0] : undefined);
  const variablesOf = (authorizer: Authorizer) => ({
    authorizerAppid: authorizer.authorizerAppid,
    bizRef: authorizer.bizRef ?? null,
    nickName: authorizer.nickName ?? null,
    values: parsedValues.ok ? parsedValues.value[authorizer.authorizerAppid] : undefined,
  });
  const preview =
    parsedTemplate.ok && previewTarget
      ? renderExtJson(parsedTemplate.value, variablesOf(previewTarget.authorizer))
      : undefined;
  const lacking =
    parsedTemplate.ok && targetMode === 'explicit'
      ? targetsMissing(
          parsedTemplate.value,
          authorizerAppids.filter((appid) => profiles[appid]).map((appid) => variablesOf(profiles[appid]!)),
        )
      : [];

  /** Opens the folded sections holding these fields (an error in a closed one would go unseen). */
  const openSectionsOf = (fields: readonly (string | number | undefined)[]) => {
    const sections = fields.flatMap((field) => sectionOf(field) ?? []);
    if (sections.length > 0) setOpenSections((open) => [...new Set([...open, ...sections])]);
  };

  /** Validates the current step, nested list items included; the fields show their errors. */
  const validateStep = async (): Promise<boolean> => {
    try {
      await form.validateFields(STEP_FIELDS[current], { recursive: true });
      return true;
    } catch (error) {
      const errorFields = (error as { errorFields?: { name: (string | number)[] }[] }).errorFields ?? [];
      openSectionsOf(errorFields.map((field) => field.name[0]));
      return false;
    }
  };

  const next = async () => {
    if (await validateStep()) setCurrent(current + 1);
  };

  const submit = async () => {
    if (!(await validateStep())) return;
    const values = { ...WIZARD_DEFAULTS, ...form.getFieldsValue(true) } as WizardValues;
    try {
      create.mutate(toCreateCampaignDto(values, componentAppid));
    } catch (error) {
      if (!(error instanceof WizardInputError)) throw error;
      const step = STEP_FIELDS.findIndex((fields) => fields.includes(error.field));
      if (step >= 0) setCurrent(step);
      openSectionsOf([error.field]);
      form.setFields([
        {
          name: error.field,
          errors: [
            error.problem
              ? t(`wizard.problem.${error.problem.key}`, { max: error.problem.max })
              : error.message,
          ],
        },
      ]);
    }
  };

  const steps = [
    { key: 'template', title: t('wizard.steps.templateAndTargets') },
    { key: 'extJson', title: t('wizard.steps.extJson') },
    { key: 'submit', title: t('wizard.steps.submit') },
    { key: 'release', title: t('wizard.steps.release') },
  ];

  const domainRule = (pattern: RegExp, text: string) => ({
    validator: (_: unknown, value: string[] | undefined) =>
      (value ?? []).every((domain) => pattern.test(domain))
        ? Promise.resolve()
        : Promise.reject(new Error(text)),
  });
  const domainSelect = (name: keyof WizardValues, label: string) => (
    <Form.Item
      key={name}
      name={name}
      label={label}
      rules={[domainRule(DOMAIN_URL, t('wizard.domainInvalid'))]}
      style={{ marginBottom: 12 }}
    >
      <Select
        mode="tags"
        tokenSeparators={[',', ' ']}
        notFoundContent={null}
        placeholder="https://api.example.com"
        suffixIcon={null}
      />
    </Form.Item>
  );

  /** A rule from a check of wizard-form (`undefined` when fine), its problem shown in the page's language. */
  const checkRule = <T,>(check: (value: T) => WizardProblem | undefined) => ({
    validator: (_: unknown, value: T) => {
      const problem = check(value);
      return problem ? Promise.reject(new Error(t(`wizard.problem.${problem}`))) : Promise.resolve();
    },
  });
  /** Folded sections: a section's own keys change; the other Collapse's stay as they are. */
  const sections = (items: { key: WizardSection; label: React.ReactNode; children: React.ReactNode }[]) => {
    const keys = items.map((item) => item.key);
    return (
      <Collapse
        size="small"
        style={{ marginBottom: 16 }}
        activeKey={openSections.filter((key) => keys.includes(key))}
        onChange={(active) =>
          setOpenSections((open) => [
            ...open.filter((key) => !keys.includes(key)),
            ...(active as WizardSection[]),
          ])
        }
        items={items.map((item) => ({ ...item, forceRender: true }))}
      />
    );
  };
  const sectionState = (on: boolean, text?: string) => (
    <Tag color={on ? 'blue' : 'default'} style={{ marginInlineStart: 8 }}>
      {text ?? (on ? t('wizard.sectionOn') : t('wizard.sectionOff'))}
    </Tag>
  );

  const itemListSection = (
    <>
      <Typography.Paragraph type="secondary">{t('wizard.itemListDefault')}</Typography.Paragraph>
      <Form.List
        name="auditItems"
        rules={[checkRule((items: AuditItemValues[] | undefined) => auditItemsProblem(items ?? []))]}
      >
        {(fields, { add, remove }, { errors }) => (
          <>
            {fields.map((field, index) => (
              <Card
                key={field.key}
                size="small"
                title={t('wizard.auditItem', { n: index + 1 })}
                data-testid="audit-item"
                style={{ marginBottom: 12 }}
                extra={
                  <Button
                    aria-label={t('wizard.auditItemRemove', { n: index + 1 })}
                    icon={<DeleteOutlined />}
                    onClick={() => remove(field.name)}
                  />
                }
              >
                <Row gutter={12}>
                  <Col xs={24} md={12}>
                    <Form.Item
                      name={[field.name, 'address']}
                      label={t('wizard.auditItemField.address')}
                      rules={[
                        { required: true, whitespace: true, message: t('wizard.problem.auditItemAddress') },
                        { max: 256 },
                      ]}
                    >
                      <Input placeholder="pages/index/index" />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item
                      name={[field.name, 'title']}
                      label={t('wizard.auditItemField.title')}
                      rules={[{ max: 256 }]}
                    >
                      <Input />
                    </Form.Item>
                  </Col>
                  <Col span={24}>
                    <Form.Item
                      name={[field.name, 'tag']}
                      label={t('wizard.auditItemField.tag')}
                      extra={t('wizard.auditItemTagHelp')}
                      rules={[{ max: 256 }]}
                    >
                      <Input />
                    </Form.Item>
                  </Col>
                  {(['first', 'second', 'third'] as const).map((level) => (
                    <Fragment key={level}>
                      <Col xs={24} md={12}>
                        <Form.Item
                          name={[field.name, `${level}Class`]}
                          label={t(`wizard.auditItemField.${level}Class`)}
                          rules={[{ max: 256 }]}
                        >
                          <Input />
                        </Form.Item>
                      </Col>
                      <Col xs={24} md={12}>
                        <Form.Item
                          name={[field.name, `${level}Id`]}
                          label={t(`wizard.auditItemField.${level}Id`)}
                        >
                          <InputNumber min={0} precision={0} style={{ width: '100%' }} />
                        </Form.Item>
                      </Col>
                    </Fragment>
                  ))}
                </Row>
              </Card>
            ))}
            <Form.ErrorList errors={errors} />
            <Button
              icon={<PlusOutlined />}
              disabled={fields.length >= MAX_AUDIT_ITEMS}
              onClick={() => add({})}
            >
              {t('wizard.auditItemAdd')}
            </Button>
          </>
        )}
      </Form.List>
    </>
  );

  const ugcSection = (
    <>
      <Form.Item name="ugcDeclareEnabled" valuePropName="checked" extra={t('wizard.ugcHelp')}>
        <Checkbox>{t('wizard.ugcEnabled')}</Checkbox>
      </Form.Item>
      {ugcDeclareEnabled ? (
        <>
          <Form.Item
            name="ugcScene"
            label={t('wizard.ugcScene')}
            normalize={(value: number[] | undefined, previous: number[] | undefined) =>
              normalizeUgcScene(value, previous)
            }
            rules={[checkRule((scene: number[] | undefined) => ugcSceneProblem(scene ?? []))]}
          >
            <Checkbox.Group
              options={UGC_SCENES.map((value) => ({ value, label: t(`wizard.ugcScenes.${value}`) }))}
            />
          </Form.Item>
          {ugcScene.length > 0 && !ugcScene.includes(0) ? (
            <>
              {ugcScene.includes(5) ? (
                <Form.Item
                  name="ugcOtherSceneDesc"
                  label={t('wizard.ugcOtherSceneDesc')}
                  rules={[{ max: 256 }]}
                >
                  <Input />
                </Form.Item>
              ) : null}
              <Form.Item name="ugcMethod" label={t('wizard.ugcMethod')}>
                <Checkbox.Group
                  options={UGC_METHODS.map((value) => ({ value, label: t(`wizard.ugcMethods.${value}`) }))}
                />
              </Form.Item>
              <Form.Item name="ugcHasAuditTeam" valuePropName="checked">
                <Checkbox>{t('wizard.ugcHasAuditTeam')}</Checkbox>
              </Form.Item>
              <Form.Item name="ugcAuditDesc" label={t('wizard.ugcAuditDesc')} rules={[{ max: 256 }]}>
                <Input.TextArea rows={2} />
              </Form.Item>
            </>
          ) : null}
        </>
      ) : null}
    </>
  );

  const contactFields = [
    'privacyContactEmail',
    'privacyContactPhone',
    'privacyContactQq',
    'privacyContactWeixin',
  ] as const;
  const privacySection = (
    <>
      <Form.Item name="privacyEnabled" valuePropName="checked" extra={t('wizard.privacyHelp')}>
        <Checkbox>{t('wizard.privacyEnabled')}</Checkbox>
      </Form.Item>
      {privacyEnabled ? (
        <>
          <Form.Item name="privacyVer" label={t('wizard.privacyVer')}>
            <Radio.Group
              options={[
                { value: 2, label: t('wizard.privacyVer2') },
                { value: 1, label: t('wizard.privacyVer1') },
              ]}
            />
          </Form.Item>
          <Typography.Paragraph strong style={{ marginBottom: 8 }}>
            {t('wizard.privacyContacts')}
          </Typography.Paragraph>
          <Row gutter={12}>
            {contactFields.map((name, index) => (
              <Col xs={24} md={12} key={name}>
                <Form.Item
                  name={name}
                  label={t(`wizard.${name}`)}
                  // One rule for the four, under the first: it is checked again when any of them changes.
                  dependencies={index === 0 ? contactFields.slice(1) : undefined}
                  rules={[
                    { max: 256 },
                    ...(index === 0
                      ? [checkRule(() => privacyContactProblem(form.getFieldsValue([...contactFields])))]
                      : []),
                  ]}
                >
                  <Input />
                </Form.Item>
              </Col>
            ))}
          </Row>
          <Form.Item
            name="privacyNoticeMethod"
            label={t('wizard.privacyNoticeMethod')}
            rules={[
              { required: true, whitespace: true, message: t('wizard.problem.privacyNoticeMethod') },
              { max: 256 },
            ]}
          >
            <Input placeholder={t('wizard.privacyNoticeMethodPlaceholder')} />
          </Form.Item>
          <Row gutter={12}>
            <Col xs={24} md={12}>
              <Form.Item
                name="privacyStoreExpireDays"
                label={t('wizard.privacyStoreExpireDays')}
                extra={t('wizard.privacyStoreExpireHelp')}
              >
                <InputNumber min={0} precision={0} suffix={t('wizard.days')} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="privacyExtFileMediaId"
                label={t('wizard.privacyExtFileMediaId')}
                rules={[{ max: 256 }]}
              >
                <Input />
              </Form.Item>
            </Col>
          </Row>
          <Typography.Paragraph strong style={{ marginBottom: 8 }}>
            {t('wizard.privacySettings')}
          </Typography.Paragraph>
          <Form.List
            name="privacySettings"
            rules={[
              checkRule((settings: WizardValues['privacySettings'] | undefined) =>
                privacySettingsProblem(settings ?? []),
              ),
            ]}
          >
            {(fields, { add, remove }, { errors }) => (
              <>
                {fields.map((field, index) => (
                  <Space key={field.key} align="start" wrap style={{ display: 'flex' }}>
                    <Form.Item
                      name={[field.name, 'privacyKey']}
                      style={{ marginBottom: 12 }}
                      rules={[
                        { required: true, whitespace: true, message: t('wizard.problem.privacySetting') },
                        { max: 64, message: t('wizard.problem.tooLong', { max: 64 }) },
                      ]}
                    >
                      <AutoComplete
                        aria-label={t('wizard.privacyKey', { n: index + 1 })}
                        placeholder={t('wizard.privacyKeyPlaceholder')}
                        style={{ width: 280 }}
                        options={PRIVACY_KEYS.map((key) => ({
                          value: key,
                          label: `${key} · ${t(`wizard.privacyKeys.${key}`)}`,
                        }))}
                        showSearch={{
                          filterOption: (input, option) =>
                            String(option?.label ?? '')
                              .toLowerCase()
                              .includes(input.trim().toLowerCase()),
                        }}
                      />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, 'privacyText']}
                      style={{ marginBottom: 12 }}
                      rules={[
                        { required: true, whitespace: true, message: t('wizard.problem.privacySetting') },
                        { max: 256, message: t('wizard.problem.tooLong', { max: 256 }) },
                      ]}
                    >
                      <Input
                        aria-label={t('wizard.privacyText', { n: index + 1 })}
                        placeholder={t('wizard.privacyTextPlaceholder')}
                        style={{ width: 320 }}
                      />
                    </Form.Item>
                    <Button
                      aria-label={t('wizard.privacySettingRemove', { n: index + 1 })}
                      icon={<DeleteOutlined />}
                      disabled={fields.length <= 1}
                      onClick={() => remove(field.name)}
                    />
                  </Space>
                ))}
                <Form.ErrorList errors={errors} />
                <Button
                  icon={<PlusOutlined />}
                  disabled={fields.length >= MAX_PRIVACY_SETTINGS}
                  onClick={() => add({ privacyKey: '', privacyText: '' })}
                >
                  {t('wizard.privacySettingAdd')}
                </Button>
              </>
            )}
          </Form.List>
        </>
      ) : null}
    </>
  );

  return (
    <Card>
      <Steps current={current} items={steps} style={{ marginBottom: 24 }} />
      <Form<WizardValues>
        form={form}
        name="campaign"
        layout="vertical"
        initialValues={WIZARD_DEFAULTS}
        style={{ maxWidth: 880 }}
      >
        {/* 1. Template and targets (one step: a campaign is a template carried to these) */}
        <div hidden={current !== 0}>
          <ErrorAlert error={templates.error} style={{ marginBottom: 16 }} />
          <Form.Item
            name="templateId"
            label={t('wizard.template')}
            rules={[{ required: true, message: t('wizard.templateRequired') }]}
            extra={
              templates.data && templates.data.items.length === 0 ? (
                <span>
                  {t('wizard.noTemplates')} <Link to="/templates">{t('wizard.toTemplates')}</Link>
                </span>
              ) : undefined
            }
          >
            <Select<number>
              showSearch={{ optionFilterProp: 'label' }}
              loading={templates.isPending}
              placeholder={t('wizard.templatePlaceholder')}
              options={(templates.data?.items ?? []).map((item: SchemaTemplateDto) => ({
                value: item.templateId,
                label: `${item.userVersion} · #${item.templateId}${item.userDesc ? ` · ${item.userDesc}` : ''}`,
              }))}
              onChange={(id) => {
                const chosen = templates.data?.items.find((item) => item.templateId === id);
                if (chosen)
                  form.setFieldsValue({ userVersion: chosen.userVersion, userDesc: chosen.userDesc });
              }}
            />
          </Form.Item>
          <Form.Item
            name="userVersion"
            label={t('wizard.userVersion')}
            tooltip={t('wizard.userVersionHelp')}
            rules={[
              { required: true, whitespace: true, message: t('wizard.userVersionRequired') },
              { max: 64 },
            ]}
          >
            <Input style={{ maxWidth: 320 }} />
          </Form.Item>
          <Form.Item name="userDesc" label={t('wizard.userDesc')} rules={[{ max: 1024 }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Divider titlePlacement="start">{t('wizard.steps.targets')}</Divider>
          <Form.Item name="targetMode" label={t('wizard.targetMode')}>
            <Radio.Group
              options={[
                { value: 'explicit', label: t('wizard.targetExplicit') },
                { value: 'filter', label: t('wizard.targetFilter') },
              ]}
            />
          </Form.Item>
          {targetMode === 'explicit' ? (
            <>
              {!mayListAuthorizers ? (
                <Alert type="warning" showIcon title={t('wizard.cannotListAuthorizers')} />
              ) : null}
              <ErrorAlert error={authorizers.error} style={{ marginBottom: 16 }} />
              <Form.Item
                name="authorizerAppids"
                label={t('wizard.targets')}
                extra={t('wizard.targetsHelp')}
                rules={[{ required: true, type: 'array', min: 1, message: t('wizard.targetsRequired') }]}
              >
                <Select<string[], AuthorizerOption>
                  mode="multiple"
                  allowClear
                  showSearch={{ filterOption: false, onSearch: setSearch, autoClearSearchValue: false }}
                  loading={authorizers.isFetching}
                  placeholder={t('wizard.targetsPlaceholder')}
                  options={targetOptions}
                  notFoundContent={authorizers.isFetching ? t('wizard.searching') : t('wizard.noAuthorizers')}
                  maxTagCount={50}
                  onChange={(_, options) =>
                    remember(
                      (Array.isArray(options) ? options : [options]).flatMap((o) =>
                        o?.authorizer ? [o.authorizer] : [],
                      ),
                    )
                  }
                />
              </Form.Item>
              <Space wrap style={{ marginBottom: 16 }}>
                <Button
                  disabled={found.length === 0}
                  onClick={() => {
                    remember(found);
                    const all = [...new Set([...authorizerAppids, ...found.map((a) => a.authorizerAppid)])];
                    form.setFieldsValue({ authorizerAppids: all });
                    void form.validateFields(['authorizerAppids']);
                  }}
                >
                  {t('wizard.addAllFound', { count: found.length, total: authorizers.data?.total ?? 0 })}
                </Button>
                <Button
                  disabled={authorizerAppids.length === 0}
                  onClick={() => form.setFieldsValue({ authorizerAppids: [] })}
                >
                  {t('wizard.clearTargets')}
                </Button>
              </Space>
            </>
          ) : (
            <>
              <Alert type="info" showIcon title={t('wizard.filterHelp')} style={{ marginBottom: 16 }} />
              <Form.Item name="filterKind" label={t('wizard.filterKind')}>
                <Radio.Group
                  options={[
                    { value: 'bizRefPrefix', label: t('wizard.filterPrefix') },
                    { value: 'bizRefs', label: t('wizard.filterList') },
                  ]}
                />
              </Form.Item>
              {filterKind === 'bizRefPrefix' ? (
                <Form.Item
                  name="bizRefPrefix"
                  label={t('wizard.bizRefPrefix')}
                  rules={[
                    { required: true, whitespace: true, message: t('wizard.bizRefPrefixRequired') },
                    { max: 128 },
                  ]}
                >
                  <Input style={{ maxWidth: 320 }} placeholder="shop-" />
                </Form.Item>
              ) : (
                <Form.Item
                  name="bizRefsText"
                  label={t('wizard.bizRefs')}
                  extra={t('wizard.bizRefsHelp')}
                  rules={[
                    {
                      validator: (_, value: string | undefined) => {
                        const refs = splitBizRefs(value ?? '');
                        if (refs.length === 0) return Promise.reject(new Error(t('wizard.bizRefsRequired')));
                        if (refs.length > 1000) return Promise.reject(new Error(t('wizard.bizRefsTooMany')));
                        if (refs.some((ref) => ref.length > 128))
                          return Promise.reject(new Error(t('wizard.bizRefTooLong')));
                        return Promise.resolve();
                      },
                    },
                  ]}
                >
                  <Input.TextArea rows={6} />
                </Form.Item>
              )}
            </>
          )}
          <Typography.Paragraph strong data-testid="wizard-target-count" aria-live="polite">
            {count === undefined
              ? t('wizard.countAtCreation')
              : count.now
                ? t('wizard.countPrefixNow', { count: count.count })
                : count.exact
                  ? t('wizard.countExact', { count: count.count })
                  : t('wizard.countUpTo', { count: count.count })}
          </Typography.Paragraph>
        </div>

        {/* 2. ext.json */}
        <div hidden={current !== 1}>
          <Typography.Paragraph type="secondary">{t('wizard.extJsonHelp')}</Typography.Paragraph>
          <Form.Item
            name="extJsonText"
            label={t('wizard.extJson')}
            rules={[
              {
                validator: (_, value: string | undefined) => {
                  const parsed = parseJsonObject(value ?? '');
                  return parsed.ok
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('wizard.jsonInvalid', { error: parsed.error })));
                },
              },
            ]}
          >
            <Input.TextArea rows={12} spellCheck={false} style={{ fontFamily: 'monospace' }} />
          </Form.Item>
          <Form.Item
            name="valuesText"
            label={t('wizard.values')}
            extra={t('wizard.valuesHelp')}
            rules={[
              {
                validator: (_, value: string | undefined) => {
                  const parsed = parseTargetValues(value ?? '');
                  return parsed.ok
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('wizard.jsonInvalid', { error: parsed.error })));
                },
              },
            ]}
          >
            <Input.TextArea
              rows={3}
              spellCheck={false}
              style={{ fontFamily: 'monospace' }}
              placeholder='{"wx…": {"shopId": "42"}}'
            />
          </Form.Item>
          <Divider titlePlacement="start">{t('wizard.preview')}</Divider>
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Select<string, AuthorizerOption>
              aria-label={t('wizard.previewTarget')}
              placeholder={t('wizard.previewTarget')}
              style={{ width: '100%', maxWidth: 560 }}
              value={previewTarget?.value}
              showSearch={
                targetMode === 'explicit'
                  ? { optionFilterProp: 'label' }
                  : { filterOption: false, onSearch: setSearch }
              }
              options={previewCandidates}
              onChange={(appid, option) => {
                setPreviewAppid(appid);
                if (option && !Array.isArray(option) && option.authorizer.status)
                  remember([option.authorizer]);
              }}
              notFoundContent={t('wizard.previewNoTarget')}
            />
            {!parsedTemplate.ok ? (
              <Alert type="error" showIcon title={t('wizard.jsonInvalid', { error: parsedTemplate.error })} />
            ) : !previewTarget ? (
              <Typography.Text type="secondary">{t('wizard.previewChoose')}</Typography.Text>
            ) : preview && !preview.ok ? (
              <Alert
                type="warning"
                showIcon
                title={t('wizard.previewMissing', {
                  names: preview.missing.map((name) => `{{${name}}}`).join(', '),
                })}
              />
            ) : preview?.ok ? (
              <pre
                role="region"
                tabIndex={0}
                aria-label={t('wizard.previewOf', { appid: previewTarget.value })}
                data-testid="ext-json-preview"
                style={{
                  background: '#f5f5f5',
                  color: '#1f1f1f',
                  padding: 12,
                  borderRadius: 6,
                  maxHeight: 360,
                  overflow: 'auto',
                  margin: 0,
                }}
              >
                {JSON.stringify(preview.extJson, null, 2)}
              </pre>
            ) : null}
            {lacking.length > 0 ? (
              <Alert
                type="warning"
                showIcon
                title={t('wizard.lackingTitle')}
                description={
                  <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                    {lacking.map((entry) => (
                      <li key={entry.name}>
                        {t('wizard.lacking', {
                          name: `{{${entry.name}}}`,
                          count: entry.appids.length,
                          appids:
                            entry.appids.slice(0, 3).join(', ') + (entry.appids.length > 3 ? ', …' : ''),
                        })}
                      </li>
                    ))}
                  </ul>
                }
              />
            ) : null}
          </Space>
        </div>

        {/* 3. Submit fields and preflight */}
        <div hidden={current !== 2}>
          <Typography.Title level={4}>{t('wizard.submitTitle')}</Typography.Title>
          <Form.Item name="versionDesc" label={t('wizard.versionDesc')} rules={[{ max: 500 }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item name="feedbackInfo" label={t('wizard.feedbackInfo')} rules={[{ max: 200 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="privacyApiNotUse" valuePropName="checked">
            <Checkbox>{t('wizard.privacyApiNotUse')}</Checkbox>
          </Form.Item>
          {sections([
            {
              key: 'itemList',
              label: (
                <>
                  {t('wizard.itemListTitle')}
                  {sectionState(
                    auditItemCount > 0,
                    auditItemCount > 0
                      ? t('wizard.itemListCount', { count: auditItemCount })
                      : t('wizard.itemListNone'),
                  )}
                </>
              ),
              children: itemListSection,
            },
            {
              key: 'ugc',
              label: (
                <>
                  {t('wizard.ugcTitle')}
                  {sectionState(ugcDeclareEnabled)}
                </>
              ),
              children: ugcSection,
            },
          ])}
          <Typography.Title level={4}>{t('wizard.preflightTitle')}</Typography.Title>
          <Form.Item name="profileCheck" valuePropName="checked" extra={t('wizard.profileCheckHelp')}>
            <Checkbox>{t('wizard.profileCheck')}</Checkbox>
          </Form.Item>
          <Form.Item name="serverDomainsEnabled" label={t('wizard.serverDomains')} valuePropName="checked">
            <Switch />
          </Form.Item>
          {serverDomainsEnabled ? (
            <Card size="small" style={{ marginBottom: 16 }}>
              {domainSelect('requestDomain', t('wizard.domain.requestDomain'))}
              {domainSelect('wsRequestDomain', t('wizard.domain.wsRequestDomain'))}
              {domainSelect('uploadDomain', t('wizard.domain.uploadDomain'))}
              {domainSelect('downloadDomain', t('wizard.domain.downloadDomain'))}
              {domainSelect('udpDomain', t('wizard.domain.udpDomain'))}
              {domainSelect('tcpDomain', t('wizard.domain.tcpDomain'))}
              <Form.Item name="serverDomainsAction" label={t('wizard.domainAction')}>
                <Radio.Group
                  options={[
                    { value: 'add', label: t('wizard.domainAdd') },
                    { value: 'set', label: t('wizard.domainSet') },
                  ]}
                />
              </Form.Item>
              <Form.Item name="serverDomainsDirectly" valuePropName="checked" style={{ marginBottom: 4 }}>
                <Checkbox>{t('wizard.domainDirectly')}</Checkbox>
              </Form.Item>
              <Form.Item
                name="serverDomainsAddToPlatform"
                valuePropName="checked"
                style={{ marginBottom: 0 }}
              >
                <Checkbox>{t('wizard.addToPlatform')}</Checkbox>
              </Form.Item>
            </Card>
          ) : null}
          <Form.Item name="webviewDomainsEnabled" label={t('wizard.webviewDomains')} valuePropName="checked">
            <Switch />
          </Form.Item>
          {webviewDomainsEnabled ? (
            <Card size="small" style={{ marginBottom: 16 }}>
              <Form.Item
                name="webviewDomains"
                label={t('wizard.webviewDomainList')}
                rules={[domainRule(WEBVIEW_URL, t('wizard.webviewInvalid'))]}
              >
                <Select
                  mode="tags"
                  tokenSeparators={[',', ' ']}
                  notFoundContent={null}
                  placeholder="https://shop.example.com"
                  suffixIcon={null}
                />
              </Form.Item>
              <Form.Item name="webviewDomainsAction" label={t('wizard.domainAction')}>
                <Radio.Group
                  options={[
                    { value: 'add', label: t('wizard.domainAdd') },
                    { value: 'set', label: t('wizard.domainSet') },
                  ]}
                />
              </Form.Item>
              <Form.Item
                name="webviewDomainsAddToPlatform"
                valuePropName="checked"
                style={{ marginBottom: 0 }}
              >
                <Checkbox>{t('wizard.addToPlatform')}</Checkbox>
              </Form.Item>
            </Card>
          ) : null}
          {sections([
            {
              key: 'privacy',
              label: (
                <>
                  {t('wizard.privacyTitle')}
                  {sectionState(privacyEnabled)}
                </>
              ),
              children: privacySection,
            },
          ])}
        </div>

        {/* 4. Release mode, canary, pace */}
        <div hidden={current !== 3}>
          <Form.Item name="releaseMode" label={t('wizard.releaseMode')}>
            <Radio.Group
              options={[
                { value: 'on_approval', label: t('releaseMode.on_approval') },
                { value: 'manual', label: t('releaseMode.manual') },
                { value: 'gray', label: t('releaseMode.gray') },
              ]}
            />
          </Form.Item>
          <Typography.Paragraph type="secondary">{t(`releaseModeHelp.${releaseMode}`)}</Typography.Paragraph>
          {releaseMode === 'gray' ? (
            <Card size="small" title={t('wizard.grayPlan')} style={{ marginBottom: 16 }}>
              <Form.List
                name="graySteps"
                rules={[
                  {
                    validator: (_, steps: WizardValues['graySteps'] | undefined) => {
                      const first = Boolean(
                        form.getFieldValue('grayExperiencerFirst') || form.getFieldValue('grayDebuggerFirst'),
                      );
                      const problem = grayPlanProblem(steps ?? [], first);
                      return problem
                        ? Promise.reject(new Error(t(`wizard.grayProblem.${problem}`)))
                        : Promise.resolve();
                    },
                  },
                ]}
              >
                {(fields, { add, remove }, { errors }) => (
                  <>
                    {fields.map((field, index) => (
                      <Space key={field.key} align="baseline" wrap style={{ marginBottom: 8 }}>
                        <Typography.Text>{t('wizard.grayStep', { n: index + 1 })}</Typography.Text>
                        <Form.Item name={[field.name, 'percentage']} noStyle rules={[{ required: true }]}>
                          <InputNumber
                            aria-label={t('wizard.grayPercentage', { n: index + 1 })}
                            min={0}
                            max={100}
                            precision={0}
                            suffix="%"
                          />
                        </Form.Item>
                        <Form.Item name={[field.name, 'waitSeconds']} noStyle>
                          <InputNumber
                            aria-label={t('wizard.grayWait', { n: index + 1 })}
                            min={0}
                            max={2_592_000}
                            precision={0}
                            placeholder={t('wizard.grayWaitManual')}
                            suffix={t('seconds')}
                            style={{ width: 200 }}
                          />
                        </Form.Item>
                        <Button
                          aria-label={t('wizard.grayRemove', { n: index + 1 })}
                          icon={<DeleteOutlined />}
                          disabled={fields.length <= 1}
                          onClick={() => remove(field.name)}
                        />
                      </Space>
                    ))}
                    <Form.ErrorList errors={errors} />
                    <Button
                      icon={<PlusOutlined />}
                      onClick={() => add({ percentage: 100, waitSeconds: null })}
                      disabled={fields.length >= 20}
                    >
                      {t('wizard.grayAdd')}
                    </Button>
                    <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
                      {t('wizard.grayHelp')}
                    </Typography.Paragraph>
                  </>
                )}
              </Form.List>
              <Space wrap>
                <Form.Item name="grayExperiencerFirst" valuePropName="checked" noStyle>
                  <Checkbox onChange={() => void form.validateFields(['graySteps']).catch(() => undefined)}>
                    {t('wizard.experiencerFirst')}
                  </Checkbox>
                </Form.Item>
                <Form.Item name="grayDebuggerFirst" valuePropName="checked" noStyle>
                  <Checkbox onChange={() => void form.validateFields(['graySteps']).catch(() => undefined)}>
                    {t('wizard.debuggerFirst')}
                  </Checkbox>
                </Form.Item>
              </Space>
            </Card>
          ) : null}

          <Form.Item
            name="canaryEnabled"
            label={t('wizard.canary')}
            valuePropName="checked"
            extra={t('wizard.canaryHelp')}
          >
            <Switch />
          </Form.Item>
          {canaryEnabled ? (
            <Space wrap>
              <Form.Item name="canarySize" label={t('wizard.canarySize')} rules={[{ required: true }]}>
                <InputNumber min={0} max={10_000} precision={0} />
              </Form.Item>
              <Form.Item
                name="canaryMaxRejectionPercent"
                label={t('wizard.maxRejection')}
                rules={[{ required: true }]}
              >
                <InputNumber min={0} max={100} suffix="%" />
              </Form.Item>
            </Space>
          ) : null}
          <Form.Item
            name="autoPauseEnabled"
            label={t('wizard.autoPause')}
            valuePropName="checked"
            extra={t('wizard.autoPauseHelp')}
          >
            <Switch />
          </Form.Item>
          {autoPauseEnabled ? (
            <Space wrap>
              <Form.Item name="autoPauseMaxRejectionPercent" label={t('wizard.maxRejection')}>
                <InputNumber min={0} max={100} suffix="%" />
              </Form.Item>
              <Form.Item
                name="autoPauseMinResults"
                label={t('wizard.minResults')}
                rules={[{ required: true }]}
              >
                <InputNumber min={1} max={100_000} precision={0} />
              </Form.Item>
            </Space>
          ) : null}
          <Form.Item
            name="speedupEnabled"
            label={t('wizard.speedup')}
            valuePropName="checked"
            extra={t('wizard.speedupHelp')}
          >
            <Switch />
          </Form.Item>
          {speedupEnabled ? (
            <Form.Item
              name="speedupAfterSeconds"
              label={t('wizard.speedupAfter')}
              rules={[{ required: true }]}
            >
              <InputNumber min={0} max={2_592_000} precision={0} suffix={t('seconds')} />
            </Form.Item>
          ) : null}
          <Form.Item
            name="releaseWindowEnabled"
            label={t('wizard.releaseWindow')}
            valuePropName="checked"
            extra={t('wizard.releaseWindowHelp')}
          >
            <Switch />
          </Form.Item>
          {releaseWindowEnabled ? (
            <Space wrap>
              <Form.Item
                name="releaseWindowStartHour"
                label={t('wizard.startHour')}
                rules={[{ required: true }]}
              >
                <InputNumber min={0} max={23} precision={0} />
              </Form.Item>
              <Form.Item name="releaseWindowEndHour" label={t('wizard.endHour')} rules={[{ required: true }]}>
                <InputNumber min={0} max={24} precision={0} />
              </Form.Item>
              <Form.Item
                name="releaseWindowUtcOffsetMinutes"
                label={t('wizard.utcOffset')}
                rules={[{ required: true }]}
              >
                <InputNumber min={-720} max={840} precision={0} />
              </Form.Item>
            </Space>
          ) : null}
          <Space wrap size="large">
            <Form.Item
              name="concurrency"
              label={t('wizard.concurrency')}
              tooltip={t('wizard.concurrencyHelp')}
              rules={[{ required: true }]}
            >
              <InputNumber min={1} max={500} precision={0} />
            </Form.Item>
            <Form.Item
              name="quotaReserve"
              label={t('wizard.quotaReserve')}
              tooltip={t('wizard.quotaReserveHelp')}
              rules={[{ required: true }]}
            >
              <InputNumber min={0} max={100_000} precision={0} />
            </Form.Item>
            <Form.Item
              name="pollAfterSeconds"
              label={t('wizard.pollAfter')}
              tooltip={t('wizard.pollAfterHelp')}
              rules={[{ required: true }]}
            >
              <InputNumber min={1} max={604_800} precision={0} suffix={t('seconds')} />
            </Form.Item>
          </Space>
          <Divider />
          <Descriptions
            size="small"
            column={1}
            title={t('wizard.summary')}
            items={[
              {
                key: 'template',
                label: t('wizard.template'),
                children: template ? `${template.userVersion} · #${template.templateId}` : '—',
              },
              {
                key: 'targets',
                label: t('wizard.steps.targets'),
                children:
                  count === undefined
                    ? t('wizard.countAtCreation')
                    : count.now
                      ? t('wizard.countPrefixNow', { count: count.count })
                      : count.exact
                        ? t('wizard.countExact', { count: count.count })
                        : t('wizard.countUpTo', { count: count.count }),
              },
              {
                key: 'mode',
                label: t('wizard.releaseMode'),
                children: <Tag>{t(`releaseMode.${releaseMode}`)}</Tag>,
              },
              {
                key: 'pace',
                label: t('wizard.concurrency'),
                children: `${concurrency} · ${t('wizard.quotaReserve')} ${quotaReserve}`,
              },
            ]}
          />
        </div>

        <ErrorAlert error={create.error} style={{ marginTop: 16 }} />
        <Space style={{ marginTop: 24 }}>
          {current > 0 ? (
            <Button onClick={() => setCurrent(current - 1)}>{t('common:action.previous')}</Button>
          ) : null}
          {current < steps.length - 1 ? (
            <Button type="primary" onClick={() => void next()}>
              {t('common:action.next')}
            </Button>
          ) : (
            <Button type="primary" loading={create.isPending} onClick={() => void submit()}>
              {t('wizard.create')}
            </Button>
          )}
          <Button onClick={() => void navigate('/campaigns')}>{t('common:action.cancel')}</Button>
        </Space>
      </Form>
    </Card>
  );
}

export default function CampaignWizardPage() {
  const { t } = useTranslation('campaigns');
  const { can } = useAuth();
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('wizard.title')}
      </Typography.Title>
      <Typography.Paragraph>
        <Link to="/campaigns">{t('backToList')}</Link>
      </Typography.Paragraph>
      {can('POST /admin/v1/campaigns') ? (
        <RequireComponent>{(componentAppid) => <Wizard componentAppid={componentAppid} />}</RequireComponent>
      ) : (
        <Empty description={t('wizard.forbidden')} />
      )}
    </>
  );
}
