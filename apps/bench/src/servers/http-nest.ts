// NestJS on its Fastify adapter, validating with the usual ValidationPipe + class-validator DTO.
// Nest's decorators are plain functions: they are applied by hand below, so this file needs neither
// `experimentalDecorators` nor `emitDecoratorMetadata` (the parameter type the pipe reads is declared
// with Reflect.defineMetadata, which is what emitDecoratorMetadata would generate).
import 'reflect-metadata'
import { Body, Controller, Get, HttpCode, Module, Post, ValidationPipe } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify'
import {
  ArrayMaxSize,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator'
import { announce, argValue } from './server-ipc.js'
import type { UserBody } from './user-payload.js'

class CreateUserDto {
  declare name: string
  declare email: string
  declare age: number
  declare role: 'user' | 'admin'
  declare tags?: string[]
}

const property = (name: keyof CreateUserDto, ...decorators: PropertyDecorator[]) => {
  for (const decorate of decorators) decorate(CreateUserDto.prototype, name)
}
property('name', IsString(), Length(2, 100))
property('email', IsEmail())
property('age', IsInt(), Min(0), Max(150))
property('role', IsIn(['user', 'admin']))
property(
  'tags',
  IsOptional(),
  ArrayMaxSize(10),
  IsString({ each: true }),
  MaxLength(30, { each: true }),
)

let nextId = 0

class UsersController {
  hello(): { hello: string } {
    return { hello: 'world' }
  }

  create(body: UserBody): UserBody & { id: number } {
    return { id: ++nextId, ...body }
  }
}

const method = (name: keyof UsersController, ...decorators: MethodDecorator[]) => {
  const descriptor = Object.getOwnPropertyDescriptor(UsersController.prototype, name)
  if (descriptor === undefined) throw new Error(`UsersController has no method ${name}`)
  for (const decorate of decorators) decorate(UsersController.prototype, name, descriptor)
}
Controller()(UsersController)
method('hello', Get('/'))
method('create', Post('/users'), HttpCode(201))
Body()(UsersController.prototype, 'create', 0)
Reflect.defineMetadata('design:paramtypes', [CreateUserDto], UsersController.prototype, 'create')

class AppModule {}
Module({ controllers: [UsersController] })(AppModule)

const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), {
  logger: false,
})
app.useGlobalPipes(new ValidationPipe({ whitelist: true }))
await app.listen(Number(argValue('port', '0')), '127.0.0.1')
announce(await app.getUrl())
