import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiAcceptedResponse } from '@nestjs/swagger';

import { AuditAction } from '../audit/audit-action.decorator';
import { Roles } from '../auth/roles.decorator';
import { PageQueryDto, pageOf, type Page } from '../shared/page-query.dto';
import {
  DeliveryDetailDto,
  DeliveryDto,
  DeliveryFilterDto,
  DeliveryPageDto,
  DeliveryQueryDto,
  RetriedCountDto,
  SendTestEventDto,
  AttemptDto,
} from './dto/forwarding-delivery.dto';
import {
  CreateForwardingRuleDto,
  CreatedForwardingRuleDto,
  ForwardingRuleDto,
  ForwardingRulePageDto,
  FailingRuleDto,
  RotatedSecretDto,
  UpdateForwardingRuleDto,
} from './dto/forwarding-rule.dto';
import { ForwardingDeliveriesService } from './forwarding-deliveries.service';
import { ForwardingRulesService } from './forwarding-rules.service';
import { ForwardingError } from './forwarding.errors';

const RULE_SORTS = ['name', 'createdAt'] as const;
const DELIVERY_ID = /^\d{1,20}$/;

/** Forwarding rules and their delivery log (CONTRACT.md §4 "Forwarding to HTTP subscribers"). */
@ApiTags('forwarding')
@ApiBearerAuth()
@Controller('forwarding')
export class ForwardingController {
  constructor(
    private readonly rules: ForwardingRulesService,
    private readonly deliveries: ForwardingDeliveriesService,
  ) {}

  @Post('rules')
  @Roles('admin', 'operator')
  @AuditAction('forwarding.rule.create')
  @ApiOkResponse({ type: CreatedForwardingRuleDto })
  async create(@Body() body: CreateForwardingRuleDto): Promise<CreatedForwardingRuleDto> {
    const { rule, secret, bindingsPending } = await this.rules.create(body);
    return { rule: ForwardingRuleDto.of(rule, bindingsPending), secret };
  }

  @Get('rules')
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: ForwardingRulePageDto })
  async list(@Query() query: PageQueryDto): Promise<Page<ForwardingRuleDto>> {
    const sort = (RULE_SORTS as readonly string[]).includes(query.sort ?? '') ? query.sort : 'createdAt';
    const all = (await this.rules.list()).map((rule) => ForwardingRuleDto.of(rule));
    const key = sort as (typeof RULE_SORTS)[number];
    all.sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0) * (query.order === 'asc' ? 1 : -1));
    return pageOf(all.slice(query.offset, query.offset + query.limit), all.length, query);
  }

  /** Rules with failed deliveries, or failing since their last success, in the last hour (the dashboard's list too). */
  @Get('failing-rules')
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: [FailingRuleDto] })
  failingRules(): Promise<FailingRuleDto[]> {
    return this.rules.failingRules();
  }

  @Get('rules/:id')
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: ForwardingRuleDto })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<ForwardingRuleDto> {
    return ForwardingRuleDto.of(await this.rules.get(id));
  }

  @Patch('rules/:id')
  @Roles('admin', 'operator')
  @AuditAction('forwarding.rule.update')
  @ApiOkResponse({ type: ForwardingRuleDto })
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateForwardingRuleDto,
  ): Promise<ForwardingRuleDto> {
    const { rule, bindingsPending } = await this.rules.update(id, body);
    return ForwardingRuleDto.of(rule, bindingsPending);
  }

  @Delete('rules/:id')
  @HttpCode(204)
  @Roles('admin', 'operator')
  @AuditAction('forwarding.rule.delete')
  async delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.rules.delete(id);
  }

  /** A new signing secret, shown once; the old one keeps signing during the overlap. */
  @Post('rules/:id/secret/rotate')
  @HttpCode(200)
  @Roles('admin')
  @AuditAction('forwarding.rule.rotate_secret')
  @ApiOkResponse({ type: RotatedSecretDto })
  async rotate(@Param('id', ParseUUIDPipe) id: string): Promise<RotatedSecretDto> {
    const { secret, previousSecretExpiresAt } = await this.rules.rotateSecret(id);
    return { secret, previousSecretExpiresAt: previousSecretExpiresAt?.toISOString() };
  }

  @Post('rules/:id/test')
  @HttpCode(202)
  @Roles('admin', 'operator')
  @AuditAction('forwarding.rule.test')
  @ApiAcceptedResponse({ type: DeliveryDto })
  async test(@Param('id', ParseUUIDPipe) id: string, @Body() body: SendTestEventDto): Promise<DeliveryDto> {
    return DeliveryDto.of(await this.deliveries.sendTest(id, body.eventType));
  }

  @Get('rules/:id/deliveries')
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: DeliveryPageDto })
  async deliveriesOf(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: DeliveryQueryDto,
  ): Promise<Page<DeliveryDto>> {
    const { items, total } = await this.deliveries.list(
      id,
      { state: query.state, eventType: query.eventType, since: query.since, until: query.until },
      { limit: query.limit, offset: query.offset, sort: query.sort ?? 'id', order: query.order },
    );
    return pageOf(items.map(DeliveryDto.of), total, query);
  }

  /** Queues again every failed delivery matching the filter (any number; answers the count). */
  @Post('rules/:id/deliveries/retry-failed')
  @HttpCode(202)
  @Roles('admin', 'operator')
  @AuditAction('forwarding.delivery.retry_failed')
  @ApiAcceptedResponse({ type: RetriedCountDto })
  async retryFailed(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: DeliveryFilterDto,
  ): Promise<RetriedCountDto> {
    return { count: await this.deliveries.retryFailed(id, body) };
  }

  @Get('rules/:id/deliveries/:deliveryId')
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: DeliveryDetailDto })
  async delivery(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('deliveryId') deliveryId: string,
  ): Promise<DeliveryDetailDto> {
    const { delivery, attempts } = await this.deliveries.detail(id, checkedDeliveryId(deliveryId));
    return {
      ...DeliveryDto.of(delivery),
      envelope: { ...delivery.envelope },
      attemptLog: attempts.map(AttemptDto.of),
    };
  }

  @Post('rules/:id/deliveries/:deliveryId/retry')
  @HttpCode(202)
  @Roles('admin', 'operator')
  @AuditAction('forwarding.delivery.retry')
  @ApiAcceptedResponse({ type: DeliveryDto })
  async retry(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('deliveryId') deliveryId: string,
  ): Promise<DeliveryDto> {
    return DeliveryDto.of(await this.deliveries.retryOne(id, checkedDeliveryId(deliveryId)));
  }
}

function checkedDeliveryId(value: string): string {
  if (!DELIVERY_ID.test(value)) throw ForwardingError.deliveryNotFound(value);
  return value;
}
